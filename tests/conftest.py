"""Fixtures shared by the project's own tests (the docs-as-tests plugin lives in docstest/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from docstest.docker.scope import require_docker
from provision.browser import CHROMIUM_ARGS
from tests.helpers import require_chromium
from tests.site_pages import built_site, site_port, site_url

# The built, served site (one per test process) for every browser suite: tests/site_pages.py.
__all__ = ["built_site", "site_port", "site_url"]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Depend on this (or mark tests with `docker`) to need a reachable engine."""
    require_docker()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("docker"):
        require_docker()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (provision/browser.py) driven by Playwright, one per test module."""
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=list(CHROMIUM_ARGS),
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and tab per test (no stored language or storage carried over)."""
    context = browser.new_context()
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
