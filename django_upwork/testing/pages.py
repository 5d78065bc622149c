"""HTML pages of the emulated authorization screen."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

_STYLE = (
    "body{font-family:sans-serif;max-width:32rem;margin:4rem auto;color:#222}"
    "button{font-size:1rem;padding:.5rem 1.5rem;margin-right:1rem}"
    "#approve{background:#14a800;color:#fff;border:0}"
)


def authorize_page(app_name: str, action: str, params: Mapping[str, str]) -> str:
    """Render the consent page; both buttons POST the authorization parameters to `action`."""
    hidden = "\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in params.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>Authorize {escape(app_name)} - Upwork emulator</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>Authorize {escape(app_name)} to access your Upwork account</h1>
<p>This page is served by the local Upwork emulator. No real Upwork account is involved.</p>
<form method="post" action="{escape(action)}">
{hidden}
<button id="approve" type="submit" name="action" value="approve">Approve</button>
<button id="deny" type="submit" name="action" value="deny">Deny</button>
</form>
</body>
</html>
"""


def error_page(title: str, message: str) -> str:
    """Render a plain error page for an invalid authorization request."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{escape(title)} - Upwork emulator</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p id="error">{escape(message)}</p>
</body>
</html>
"""
