"""Template tags for showing the Upwork connection in the admin."""

from __future__ import annotations

from typing import Any

from django import template

from django_upwork import services

register = template.Library()


@register.inclusion_tag("admin/django_upwork/connection_panel.html", takes_context=True)
def upwork_connection_panel(context: template.Context) -> dict[str, Any]:
    """Render the connection status with Connect, Reconnect and Disconnect buttons.

    Token values never reach the template; only the status and expiry times do.
    """
    connection = services.get_connection()
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "connection": connection,
        "status": connection.status if connection else services.get_auth_status(),
        "can_connect": services.user_can_connect(user),
        "csrf_token": context.get("csrf_token"),
    }
