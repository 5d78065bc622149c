"""Test matrix: each supported Django release on the oldest and newest Python it supports.

The main runs of ``scripts/test`` use the Python of ``.venv`` (3.11 in CI) with Django 5.2,
so every supported Python version is tested with at least one Django release.

Run ``nox`` for the whole matrix on SQLite, or one cell with
``nox -s "tests(python='3.12', django='6.0')"``. Set ``DJANGO_UPWORK_TEST_DB=postgres`` and
the ``PG*`` variables to run the cells on PostgreSQL instead. Tests marked ``integration``
(a Celery worker and beat, a browser) run once, in the main runs of ``scripts/test``.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True

# Django 4.2 supports Python 3.8 to 3.12, 5.2 supports 3.10 to 3.13, and 6.0 needs 3.12+.
# The middle versions of each range are left out to keep the whole suite short.
MATRIX = [
    ("3.10", "4.2"),
    ("3.12", "4.2"),
    ("3.10", "5.2"),
    ("3.13", "5.2"),
    ("3.12", "6.0"),
    ("3.13", "6.0"),
]


@nox.session
@nox.parametrize(("python", "django"), MATRIX)
def tests(session: nox.Session, django: str) -> None:
    session.install("-e", ".[testing]", f"django~={django}.0")
    session.run(
        "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--ignore=tests/integration",
        "-m",
        "not integration",
        *session.posargs,
    )
