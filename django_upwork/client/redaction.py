"""Keep tokens out of third-party debug logs.

requests-oauthlib logs request bodies, response bodies and whole token dicts at DEBUG
level, which would put authorization codes, client secrets and tokens into any log that a
site runs at DEBUG. A filter on those loggers replaces every argument of such a record with
a placeholder, keeping the message and any number (such as an HTTP status).
"""

from __future__ import annotations

import logging

REDACTED = "[redacted]"
LOGGER_NAMES = (
    "requests_oauthlib.oauth2_session",
    "requests_oauthlib.oauth2_auth",
    "oauthlib.oauth2.rfc6749.parameters",
    "oauthlib.oauth2.rfc6749.clients.base",
)


class RedactArgumentsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(
                arg if isinstance(arg, (int, float)) and not isinstance(arg, bool) else REDACTED
                for arg in args
            )
        return True


_FILTER = RedactArgumentsFilter()


def install_redaction_filters() -> None:
    """Attach the filter to each logger that could carry a secret; calling it again is safe."""
    for name in LOGGER_NAMES:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
