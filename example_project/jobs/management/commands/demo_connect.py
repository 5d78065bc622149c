"""``manage.py demo_connect``: connect the Upwork account through the running site, over HTTP.

This walks the same OAuth2 authorization-code flow that a staff user's browser walks, against
a running server of this project and the bundled Upwork emulator:

1. log in at ``/admin/login/`` with the CSRF token from the login form;
2. open ``/upwork/connect/`` and post its Connect form, which redirects to the
   authorization page;
3. press Approve on the emulator's page, which redirects back with a code and the state;
4. follow that redirect to ``/upwork/callback/``, where the site exchanges the code.

It is meant for ``scripts/demo`` and for tests. On real Upwork a person must approve the
access, so point it only at the emulator.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from django_upwork import services
from jobs.management.commands.demo_admin import PASSWORD_VARIABLE


class Command(BaseCommand):
    help = (
        "Connect the Upwork account through a running server of this project and the bundled "
        "emulator, as a browser would: log in, press Connect at /upwork/connect/, approve, "
        "follow the "
        f"callback. The password comes from the {PASSWORD_VARIABLE} environment variable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            required=True,
            help="Address of the running site, such as http://127.0.0.1:8000.",
        )
        parser.add_argument(
            "--username", default="admin", help="Staff user to log in as (default: admin)."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=15.0,
            metavar="SECONDS",
            help="Timeout of each HTTP request, in seconds (default: 15).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise CommandError(f"{PASSWORD_VARIABLE} is not set; it must hold the password.")
        base_url = options["base_url"].rstrip("/")
        if urlsplit(base_url).scheme not in ("http", "https"):
            raise CommandError(f"--base-url must be an http or https URL, got {base_url!r}.")

        flow = BrowserFlow(base_url, options["timeout"])
        try:
            flow.log_in(options["username"], password)
            authorize_url = flow.start_connection()
            callback_url = flow.approve(authorize_url)
            flow.complete(callback_url)
        except requests.RequestException as err:
            raise CommandError(f"An HTTP request failed: {type(err).__name__}: {err}") from err

        status = services.get_auth_status()
        if status != "connected":
            raise CommandError(f"The flow finished but the connection status is {status!r}.")
        self.stdout.write(self.style.SUCCESS("Connected the Upwork account."))


class BrowserFlow:
    """The requests a browser sends, with one cookie jar for the site and one for Upwork.

    Both servers may run on 127.0.0.1, and cookies do not separate ports, so separate jars
    keep the emulator's cookies away from the site's session and CSRF cookies.
    """

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.site = requests.Session()
        self.upwork = requests.Session()

    def log_in(self, username: str, password: str) -> None:
        login_url = f"{self.base_url}/admin/login/"
        page = self.site.get(login_url, timeout=self.timeout)
        expect_status(page, 200, "opening the admin login page")
        form = find_form(page.text, contains="csrfmiddlewaretoken")
        if form is None:
            raise CommandError(f"{login_url} has no login form with a CSRF token.")
        fields = {**form.fields, "username": username, "password": password, "next": "/admin/"}
        # Django checks the Referer of HTTPS form posts against the site's host.
        headers = {"Referer": login_url}
        answer = self.site.post(
            login_url, data=fields, headers=headers, allow_redirects=False, timeout=self.timeout
        )
        if answer.status_code != 302:
            raise CommandError(
                f"Logging in as {username!r} failed (HTTP {answer.status_code}); check the "
                f"username and {PASSWORD_VARIABLE}."
            )

    def start_connection(self) -> str:
        connect_url = f"{self.base_url}/upwork/connect/"
        page = self.site.get(connect_url, allow_redirects=False, timeout=self.timeout)
        expect_status(page, 200, "opening the connect page")
        form = find_form(page.text, contains="csrfmiddlewaretoken")
        if form is None:
            raise CommandError(f"{connect_url} has no Connect form with a CSRF token.")
        # Django checks the Referer of HTTPS form posts against the site's host.
        answer = self.site.post(
            connect_url,
            data=form.fields,
            headers={"Referer": connect_url},
            allow_redirects=False,
            timeout=self.timeout,
        )
        if answer.status_code != 302:
            raise CommandError(
                f"{connect_url} returned HTTP {answer.status_code} instead of a redirect to "
                f"Upwork: {answer.text.strip()[:200]}"
            )
        return urljoin(connect_url, answer.headers["Location"])

    def approve(self, authorize_url: str) -> str:
        page = self.upwork.get(authorize_url, timeout=self.timeout)
        expect_status(page, 200, "opening the authorization page")
        form = find_form(page.text, contains="approve")
        if form is None:
            raise CommandError(
                f"The authorization page at {urlsplit(authorize_url).netloc} has no Approve "
                "button; is UPWORK_AUTHORIZE_URL the emulator's?"
            )
        action = urljoin(page.url, form.action or page.url)
        answer = self.upwork.post(
            action, data=form.fields, allow_redirects=False, timeout=self.timeout
        )
        if answer.status_code not in (302, 303):
            raise CommandError(
                f"Approving returned HTTP {answer.status_code} instead of a redirect back to "
                "the site."
            )
        return urljoin(action, answer.headers["Location"])

    def complete(self, callback_url: str) -> None:
        answer = self.site.get(callback_url, allow_redirects=False, timeout=self.timeout)
        # The callback redirects to UPWORK_SUCCESS_URL when it is set, else returns 200.
        if answer.status_code not in (200, 302):
            raise CommandError(
                f"The callback returned HTTP {answer.status_code}: {answer.text.strip()[:200]}"
            )


class Form:
    def __init__(self, action: str) -> None:
        self.action = action
        self.fields: dict[str, str] = {}
        self.ids: set[str] = set()


class FormParser(HTMLParser):
    """Collect each form's action, its input values and the ids of its elements.

    Of the submit buttons, only the one with id ``approve`` contributes its name and value,
    as a click on it would.
    """

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.current = Form(attributes.get("action", ""))
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        if attributes.get("id"):
            self.current.ids.add(attributes["id"])
        name = attributes.get("name")
        if not name:
            return
        if tag == "input" and attributes.get("type", "text") not in ("submit", "button"):
            self.current.fields[name] = attributes.get("value", "")
            self.current.ids.add(name)
        elif tag == "button" and attributes.get("id") == "approve":
            self.current.fields[name] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def find_form(html: str, contains: str) -> Form | None:
    """Return the first form with an element whose id or input name is ``contains``."""
    parser = FormParser()
    parser.feed(html)
    return next((form for form in parser.forms if contains in form.ids), None)


def expect_status(response: requests.Response, status: int, step: str) -> None:
    if response.status_code != status:
        raise CommandError(f"{step.capitalize()} returned HTTP {response.status_code}.")
