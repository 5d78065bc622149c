"""Model fields: encrypted OAuth secrets and JSON documents inserted a page at a time."""

from __future__ import annotations

from typing import Any

from django.db import models

from django_upwork import conf
from django_upwork.exceptions import UpworkConfigurationError

# Encrypted values carry this prefix, so a column can hold plain values written before
# encryption was turned on and encrypted ones written after.
ENCRYPTED_PREFIX = "fernet:"


def _fernet() -> Any | None:
    keys = conf.token_encryption_keys()
    if not keys:
        return None
    try:
        from cryptography.fernet import Fernet, MultiFernet
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        raise UpworkConfigurationError(
            "UPWORK_TOKEN_ENCRYPTION_KEY is set but the cryptography package is missing. "
            "Install the cryptography package (the encryption extra of django-upwork)."
        ) from err
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as err:
        raise UpworkConfigurationError(
            "UPWORK_TOKEN_ENCRYPTION_KEY is not a valid Fernet key. Generate one with: "
            'python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from err


def check_encryption_keys() -> None:
    """Raise ``UpworkConfigurationError`` when tokens could not be encrypted for saving.

    Callers run it before asking Upwork for tokens, because a code or refresh token spent
    on tokens that then cannot be saved is lost.
    """
    _fernet()


class SecretTextField(models.TextField):
    """A text column for tokens, encrypted with Fernet when ``UPWORK_TOKEN_ENCRYPTION_KEY`` is set.

    With several keys, the first encrypts and all of them decrypt, so keys can be rotated
    by putting a new key first.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or not value.startswith(ENCRYPTED_PREFIX):
            return value
        fernet = _fernet()
        if fernet is None:
            raise UpworkConfigurationError(
                "A token is stored encrypted but UPWORK_TOKEN_ENCRYPTION_KEY is not set. "
                "Set it to the key the token was encrypted with."
            )
        from cryptography.fernet import InvalidToken

        try:
            return str(fernet.decrypt(value[len(ENCRYPTED_PREFIX) :].encode()).decode())
        except InvalidToken as err:
            raise UpworkConfigurationError(
                "A stored token could not be decrypted with any key in "
                "UPWORK_TOKEN_ENCRYPTION_KEY. Add the key it was encrypted with to the list."
            ) from err

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or str(value).startswith(ENCRYPTED_PREFIX):
            return value
        fernet = _fernet()
        if fernet is None:
            return value
        return ENCRYPTED_PREFIX + fernet.encrypt(str(value).encode()).decode()


class JSONDocumentField(models.JSONField):
    """A JSON column that a multi-row INSERT binds with one placeholder per value.

    On PostgreSQL, Django 5.2 and later insert several rows at once by sending each column
    as one array through ``UNNEST``. psycopg builds those array literals in Python and
    escapes each double quote in them separately, and JSON text is full of double quotes.
    For a page of 50 Upwork nodes this escaping cost about 6 ms, a third of the time to
    cache the page. A field that defines ``get_placeholder()`` makes Django use the plain
    ``INSERT … VALUES`` form, which binds each document unchanged. Reads, lookups and the
    column type are the same as ``JSONField``.
    """

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        return "%s"
