"""The built site for the site's browser tests (language, accessibility, search, diagrams, the
browser suite): built once per test process with --strict (a site build is about 10 s of CPU,
and these modules only read it), served on a loopback port, and the list of its pages."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hooks.site_server import serve_gzip
from tests.helpers import mkdocs_build

if TYPE_CHECKING:
    from playwright.sync_api import Page

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")  # syllables and letters: what English mode must not show
LANGUAGES = {"ko": "한국어", "en": "English"}  # the reader's choice, as Material stores it (`__tabs`)
SCHEMES = {"light": "default", "dark": "slate"}  # the reader's system setting → Material's scheme
_TOGGLE = "[data-md-component=palette] label:not([hidden])"  # the header's toggle to the other scheme
_SWITCHED = "(before) => document.body.dataset.mdColorScheme !== before && !document.getAnimations().length"


def site_pages(site: Path) -> list[str]:
    """Every page of the built site, as URL paths relative to its root ("", "lectures/20-…/")."""
    pages = []
    for html in sorted(site.rglob("index.html")):
        relative = html.parent.relative_to(site).as_posix()
        if relative.split("/")[0] in {"assets", "downloads", "pdf", "search"}:
            continue
        pages.append("" if relative == "." else relative + "/")
    return pages


@pytest.fixture(scope="session")
def site_port() -> int:
    """A free loopback port, known before the build: Material's instant navigation follows only
    links whose address (port included) is in the sitemap, which the build writes from site_url."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Path:
    site = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_URL", f"http://127.0.0.1:{site_port}/")
        build = mkdocs_build(site)
    assert build.returncode == 0, build.stderr[-3000:]
    return site


@pytest.fixture(scope="session")
def site_url(built_site: Path, site_port: int) -> Iterator[str]:
    """The built site's address (its site_url), ending in "/"."""
    with serve_gzip(str(built_site), port=site_port) as base:
        yield base


def choose(language: str) -> str:
    """An init script that makes `language` the reader's stored choice before a page loads."""
    return f"localStorage.setItem('/.__tabs', JSON.stringify([{LANGUAGES[language]!r}]))"


def scheme_shown(tab: Page) -> str | None:
    """The colour scheme the page is drawn in ("light", "dark"), from Material's body attribute."""
    material = tab.evaluate("document.body.dataset.mdColorScheme")
    return next((name for name, value in SCHEMES.items() if value == material), None)


def switch_scheme(tab: Page) -> str | None:
    """Click the header's scheme toggle, as a reader does, and wait until the page is drawn in
    the other scheme with its colour transitions over; return that scheme. Material keeps the
    choice, so the next page opens in it. Checking both schemes on one load saves a page load."""
    before = tab.evaluate("document.body.dataset.mdColorScheme")
    tab.locator(_TOGGLE).click()
    tab.wait_for_function(_SWITCHED, arg=before)
    return scheme_shown(tab)
