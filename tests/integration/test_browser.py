"""End to end in headless Chromium: the example project, connected to the Upwork emulator.

A staff user logs in to the admin, connects the Upwork account through the emulator's
authorization page, searches, opens a posting and finds it in the admin's list of cached
postings. Screenshots of the main screens go to a temporary folder, or to ``docs/img/`` when
``DJANGO_UPWORK_SCREENSHOTS=1``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from django_upwork.testing.server import AUTHORIZE_PATH, UpworkEmulator
from tests.integration.browser_support import (
    PROXY_VARIABLES,
    REPO_ROOT,
    ExampleSite,
    example_site,
    headless_chromium,
    missing_browser_reason,
    time_limit,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(missing_browser_reason() is not None, reason=missing_browser_reason() or ""),
]

TEST_TIMEOUT = 120.0  # seconds for the whole test, processes included
WAIT_TIMEOUT = 20.0  # seconds for one page or element to appear
SEARCH_QUERY = "python"
DOCS_IMAGES = REPO_ROOT / "docs" / "img"


@pytest.fixture
def screenshot_dir(tmp_path: Path) -> Path:
    """Return ``docs/img`` when ``DJANGO_UPWORK_SCREENSHOTS=1``, else a temporary folder."""
    if os.environ.get("DJANGO_UPWORK_SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    path = tmp_path / "screenshots"
    path.mkdir()
    return path


@pytest.fixture
def selenium_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset the variables that would send Selenium through a proxy or to another driver."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    # Selenium prefers this variable to the Service's executable path.
    monkeypatch.delenv("SE_CHROMEDRIVER", raising=False)


@pytest.mark.usefixtures("selenium_env")
def test_connect_search_and_admin(
    upwork_emulator: UpworkEmulator, tmp_path: Path, screenshot_dir: Path
) -> None:
    upwork_settings = upwork_emulator.django_settings()
    with (
        time_limit(TEST_TIMEOUT),
        example_site(upwork_settings, tmp_path) as site,
        headless_chromium(tmp_path / "chromium-profile") as browser,
    ):
        log_in(browser, site)
        connect_upwork(browser, site, upwork_emulator, screenshot_dir)
        title, detail_url = search_and_pick_first(browser, site, screenshot_dir)
        open_detail(browser, detail_url, title, screenshot_dir)
        find_in_admin(browser, site, title, screenshot_dir)

    assert upwork_emulator.stats()["requests"].get("graphql", 0) >= 1


def wait(browser: WebDriver) -> WebDriverWait[WebDriver]:
    return WebDriverWait(browser, WAIT_TIMEOUT)


def log_in(browser: WebDriver, site: ExampleSite) -> None:
    browser.get(f"{site.url}/admin/login/?next=/admin/")
    wait(browser).until(EC.visibility_of_element_located((By.ID, "id_username")))
    browser.find_element(By.ID, "id_username").send_keys(site.superuser)
    browser.find_element(By.ID, "id_password").send_keys(site.password)
    browser.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    wait(browser).until(EC.presence_of_element_located((By.ID, "user-tools")))
    assert browser.current_url == f"{site.url}/admin/"


def connect_upwork(
    browser: WebDriver, site: ExampleSite, emulator: UpworkEmulator, screenshot_dir: Path
) -> None:
    """Click Connect on the example's home page, approve on the emulator, return connected."""
    browser.get(f"{site.url}/")
    status = wait(browser).until(EC.visibility_of_element_located((By.ID, "connection-status")))
    assert status.text == "disconnected"

    browser.find_element(By.ID, "connect").click()
    approve = wait(browser).until(EC.element_to_be_clickable((By.ID, "approve")))
    assert browser.current_url.startswith(emulator.base_url + AUTHORIZE_PATH)
    browser.save_screenshot(str(screenshot_dir / "screenshot-authorize.png"))

    approve.click()
    wait(browser).until(EC.url_to_be(f"{site.url}/"))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "connection-status"), "connected"))
    assert browser.find_element(By.ID, "connection-status").text == "connected"


def search_and_pick_first(
    browser: WebDriver, site: ExampleSite, screenshot_dir: Path
) -> tuple[str, str]:
    """Search from the example's form and return the first result's title and detail URL."""
    query = browser.find_element(By.ID, "id_q")
    query.clear()
    query.send_keys(SEARCH_QUERY)
    browser.find_element(By.ID, "search").click()

    count = wait(browser).until(EC.visibility_of_element_located((By.ID, "result-count")))
    assert count.text.startswith("Postings 1 to "), count.text
    assert browser.current_url.startswith(f"{site.url}/search/?")
    links = browser.find_elements(By.CSS_SELECTOR, "ul.postings li.posting a")
    assert links, "the search page lists no postings"
    browser.save_screenshot(str(screenshot_dir / "screenshot-search.png"))

    title = links[0].text
    detail_url = links[0].get_attribute("href") or ""
    assert title
    assert detail_url.startswith(f"{site.url}/jobs/")
    return title, detail_url


def open_detail(browser: WebDriver, detail_url: str, title: str, screenshot_dir: Path) -> None:
    browser.get(detail_url)
    heading = wait(browser).until(EC.visibility_of_element_located((By.ID, "title")))
    assert heading.text == title
    assert not browser.find_elements(By.ID, "error")
    browser.save_screenshot(str(screenshot_dir / "screenshot-detail.png"))


def find_in_admin(browser: WebDriver, site: ExampleSite, title: str, screenshot_dir: Path) -> None:
    """Open the admin's list of cached postings and find ``title`` in its title column."""
    browser.get(f"{site.url}/admin/django_upwork/jobposting/")
    wait(browser).until(EC.visibility_of_element_located((By.ID, "result_list")))
    titles = [
        cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#result_list .field-title")
    ]
    assert title in titles

    # The screenshot shows the list at full width, without the admin's navigation sidebar.
    browser.find_element(By.ID, "toggle-nav-sidebar").click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#main:not(.shifted)")))
    browser.save_screenshot(str(screenshot_dir / "screenshot-admin-postings.png"))
