"""The maps' browser tests: the request guard of tests/test_browser.py, with a Chromium of their own.

Playwright's sync API allows one running instance per thread, and tests/test_browser.py keeps its Chromium
for the whole session; this one lives only while tests/maps runs, so the two never overlap.
"""

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, page, traffic

__all__ = ["browser", "page", "traffic"]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package")
    # As in tests/test_browser.py: the ORM calls of the tests are synchronous while Playwright's loop runs.
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
