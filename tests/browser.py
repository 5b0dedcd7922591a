"""Shared browser fixtures: one Debian Chromium for the whole session, driven by Playwright.

Playwright's sync API allows one running instance per thread, so every browser test uses this
session's `browser`; `page` is a fresh tab whose requests may not leave the live server.
"""

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = "/usr/bin/chromium"
# Debian's chromium, never a browser downloaded by `playwright install`; nothing may call home.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
PASSWORD = "a-long-test-password"  # the staff fixtures' password
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package")
    # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    # Django then refuses every ORM call from the thread (SynchronousOnlyOperation). The tests'
    # ORM calls are plain synchronous ones, so the guard is lifted while the browser lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Traffic:
    """What the page asked for and complained about."""

    origin: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def assert_offline(self) -> None:
        assert self.requests, "no request was recorded"
        assert [url for url in self.requests if not self.is_local(url)] == []
        assert self.blocked == []

    def assert_no_console_errors(self) -> None:
        assert self.console_errors == []


@pytest.fixture
def traffic(live_server: LiveServer) -> Traffic:
    return Traffic(origin=live_server.url)


@pytest.fixture
def page(browser: Browser, traffic: Traffic) -> Iterator[Page]:
    """A fresh tab (own cookies) that records every request and aborts any that would leave the live server."""
    context = browser.new_context(locale="fr-TN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)

    def guard(route: Route) -> None:
        if traffic.is_local(route.request.url):
            route.continue_()
        else:
            traffic.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    context.on("request", lambda request: traffic.requests.append(request.url))
    pending: set[Request] = set()  # asked for and not answered yet
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    tab = context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            traffic.console_errors.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: traffic.console_errors.append(str(error)))
    yield tab
    # The live server answers what the map still asked for before the test's database is emptied: a tile query
    # running during the flush deadlocks with its TRUNCATE.
    deadline = time.monotonic() + 5
    while pending and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
    context.close()


def phone_tab(browser: Browser, live_server: LiveServer, *, javascript: bool = True) -> tuple[Page, Traffic]:
    """A phone-sized Arabic tab (its own context: close `tab.context`) whose requests may not leave the live server."""
    traffic = Traffic(origin=live_server.url)
    context = browser.new_context(
        locale="ar-TN", viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript
    )
    context.set_default_timeout(20_000)
    context.route("**/*", lambda route: route.continue_() if traffic.is_local(route.request.url) else route.abort())
    context.on("request", lambda request: traffic.requests.append(request.url))
    tab = context.new_page()
    tab.on("pageerror", lambda error: traffic.console_errors.append(str(error)))
    return tab, traffic


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[tuple[Page, Traffic]]:
    tab, traffic = phone_tab(browser, live_server)
    yield tab, traffic
    tab.context.close()


def log_in(page: Page, live_server: LiveServer, user: User, next_path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form [type=submit]")
    assert page.url == live_server.url + next_path
