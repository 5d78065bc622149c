"""A local emulator of Upwork's OAuth2 and GraphQL API for tests and development.

Upwork has no sandbox, so django-upwork ships this emulator: it serves Upwork's routes and wire
format on a loopback socket, validates every GraphQL query against a transcribed schema, and
serves a generated corpus of job postings. It needs graphql-core (the `emulator` extra) and
nothing from Django.

    from django_upwork.testing import UpworkEmulator

    with UpworkEmulator() as emulator:
        tokens = emulator.issue_tokens()
        ...  # point the client at emulator.graphql_url

Run it standalone with `python -m django_upwork.testing --help`.
"""

from .server import CORPUS_ENV_VAR, UpworkEmulator, corpus_path_from_environment

__all__ = ["CORPUS_ENV_VAR", "UpworkEmulator", "corpus_path_from_environment"]
