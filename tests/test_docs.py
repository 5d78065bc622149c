"""The documentation builds, and what it states matches the code."""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from django_upwork import exceptions, services

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS = REPO_ROOT / "docs"
PACKAGE = REPO_ROOT / "django_upwork"
PLACEHOLDER = "…"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def setting_names() -> set[str]:
    """Return every UPWORK_* name that django_upwork.conf reads."""
    return set(re.findall(r'"(UPWORK_[A-Z_]+)"', read(PACKAGE / "conf.py")))


def source_messages() -> list[str]:
    """Return every string literal of the package, with each f-string field as a placeholder."""
    messages = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(read(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                messages.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                messages.append(
                    "".join(
                        part.value if isinstance(part, ast.Constant) else PLACEHOLDER
                        for part in node.values
                    )
                )
    return messages


def documented_messages() -> list[str]:
    """Return the messages quoted in ```text blocks of the troubleshooting page."""
    return [
        block.strip()
        for block in re.findall(r"```text\n(.*?)```", read(DOCS / "troubleshooting.md"), re.DOTALL)
    ]


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None, reason="mkdocs is not installed")
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(REPO_ROOT / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        # The variable silences Material for MkDocs' banner about its successor.
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "troubleshooting" / "index.html").exists()


def test_settings_page_lists_every_setting() -> None:
    page = read(DOCS / "settings.md")

    missing = sorted(name for name in setting_names() if f"`{name}`" not in page)

    assert not missing, f"docs/settings.md does not describe {missing}"


def test_readme_lists_every_setting() -> None:
    readme = read(REPO_ROOT / "README.md")

    missing = sorted(name for name in setting_names() if f"`{name}`" not in readme)

    assert not missing, f"README.md does not list {missing}"


def test_api_page_lists_every_service() -> None:
    page = read(DOCS / "api.md")

    missing = sorted(name for name in services.__all__ if f"`{name}" not in page)

    assert not missing, f"docs/api.md does not describe {missing}"


def test_api_page_lists_every_exception() -> None:
    page = read(DOCS / "api.md")
    names = [
        name
        for name, value in inspect.getmembers(exceptions, inspect.isclass)
        if value.__module__ == exceptions.__name__
    ]

    missing = sorted(name for name in names if f"| `{name}` |" not in page)

    assert names
    assert not missing, f"the exception table in docs/api.md lacks {missing}"


def test_troubleshooting_quotes_real_messages() -> None:
    sources = source_messages()
    messages = documented_messages()

    assert len(messages) >= 10
    for message in messages:
        fragments = [re.escape(part.strip()) for part in message.split(PLACEHOLDER)]
        pattern = re.compile(".*".join(fragments), re.DOTALL)
        assert any(pattern.search(source) for source in sources), (
            f"no message in django_upwork matches the documented text {message!r}"
        )


def test_fault_kinds_documented() -> None:
    from django_upwork.testing import faults

    page = read(DOCS / "testing.md")

    missing = sorted(kind for kind in faults.KINDS if f"`{kind}`" not in page)

    assert not missing, f"docs/testing.md does not describe the fault kinds {missing}"
