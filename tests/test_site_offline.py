"""The offline course (`make offline`) as a learner uses it: unzipped, opened from file:// in
Chromium. Navigation, search, the language choice and the diagrams must work with no server
and no network: every request the pages make is recorded, and any that is not file:// fails."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from hooks.offline import FOLDER, ZIP_PATH, make_offline_zip
from hooks.vendor_assets import IFRAME_WORKER_SHIM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # the `browser` fixture: tests/conftest.py

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def offline_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip as `make offline` writes it (beside a web build, which it does not need)."""
    web = tmp_path_factory.mktemp("web")
    target = make_offline_zip(web)
    assert target == web / ZIP_PATH
    return target


@pytest.fixture(scope="module")
def unpacked(offline_zip: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(offline_zip) as archive:
        archive.extractall(folder)
    return folder / FOLDER


class Visit:
    """A browser tab on file:// that records every request its pages make."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def remote(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(LOCAL_SCHEMES)]


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    try:
        yield Visit(context.new_page())
    finally:
        context.close()


def english_shown(page: Page) -> bool:
    """The language the page shows: the course's <html data-course-language> where the header
    switch has set it, else which tab the page's first language tab set has selected."""
    return bool(
        page.evaluate(
            """() => {
                const chosen = document.documentElement.getAttribute("data-course-language");
                if (chosen) return chosen === "en";
                const set = document.querySelector(".md-content .tabbed-set");
                const input = set && set.querySelector(":scope > input:checked");
                const label = input && set.querySelector(`label[for="${input.id}"]`);
                return !!label && label.textContent.trim() === "English";
            }"""
        )
    )


def choose_english(page: Page) -> None:
    """What a learner clicks: the header's language switch (a toggle) where the page has one,
    else the first "English" content tab."""
    switch = page.locator("button[data-course-switch]")
    if switch.count():
        switch.first.click()
    else:
        page.locator(".md-content .tabbed-labels label", has_text="English").first.click()


def test_the_zip_is_one_folder_with_the_pages_search_and_the_shim(offline_zip: Path) -> None:
    with zipfile.ZipFile(offline_zip) as archive:
        names = archive.namelist()
        home = archive.read(f"{FOLDER}/index.html").decode()
    assert all(name.startswith(f"{FOLDER}/") for name in names), "one folder to open, not a spill of files"
    for needed in ("index.html", "search/search_index.js", IFRAME_WORKER_SHIM, "lectures/22-dockerfile.html"):
        assert f"{FOLDER}/{needed}" in names, needed
    assert IFRAME_WORKER_SHIM in home and "unpkg.com" not in home, "the shim comes from the zip, not a CDN"
    for web_only in ("pdf/course-ko.pdf", ZIP_PATH):  # files only the web site has
        assert re.search(rf'href="https?://[^"]+/{re.escape(web_only)}"', home), f"{web_only}: on the site"
        assert f'href="{web_only}"' not in home, f"{web_only}: a dead link in the zip"
    assert offline_zip.stat().st_size < 15_000_000, offline_zip.stat().st_size


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def test_every_link_inside_the_zip_opens_a_file_of_the_zip(unpacked: Path) -> None:
    """A file:// link to a folder shows a folder listing, to a missing file an error page."""
    broken = []
    pages = sorted(unpacked.rglob("*.html"))
    for page in pages:
        links = _Links()
        links.feed(page.read_text(encoding="utf-8"))
        for link in links.found:
            where = urlsplit(link)
            if where.scheme or link.startswith("//") or not where.path:
                continue  # another site (only on click) or a fragment of this page
            target = page.parent / unquote(where.path)
            if where.path.startswith("/") or not target.is_file():
                broken.append(f"{page.relative_to(unpacked)}: {link}")
    assert len(pages) >= 15
    assert not broken, broken[:20]


def test_navigation_goes_from_home_to_a_lecture_and_on_without_folder_listings(
    visit: Visit, unpacked: Path
) -> None:
    page = visit.page
    page.goto((unpacked / "index.html").as_uri())
    page.locator(".md-content a[href$='lectures/20-external-images.html']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/lectures/20-external-images.html"), page.url
    assert page.locator("article h1").count() == 1, "a lecture, not 'Index of …'"
    page.locator("a.md-footer__link--next").click()
    page.wait_for_load_state()
    assert page.url.endswith("/lectures/21-goals-app.html"), page.url
    assert page.locator("article h1").count() == 1
    # the last entry of a 24-lecture nav is below the sidebar's fold: follow its link as a click would
    href = page.locator(".md-nav--primary a.md-nav__link[href$='glossary.html']").first.get_attribute("href")
    assert href is not None and not href.startswith(("http:", "https:", "/")), href
    page.goto(urljoin(page.url, href))
    page.wait_for_load_state()
    assert page.url.endswith("/glossary.html"), page.url
    assert not visit.remote(), visit.remote()


def test_search_finds_pages_from_file(visit: Visit, unpacked: Path) -> None:
    page = visit.page
    page.goto((unpacked / "lectures" / "22-dockerfile.html").as_uri())
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material reads the query on keyup and loads the index in a worker (here through the
    # iframe-worker shim): type, press a key, and try again until results come.
    search = page.locator(".md-search__input")
    results = page.locator(".md-search-result__item a")
    for _ in range(20):
        search.fill("Dockerfile")  # a word of both languages' pages
        search.press("End")
        try:
            results.first.wait_for(state="attached", timeout=1_500)
            break
        except Exception:  # playwright's TimeoutError: not (yet) found
            continue
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert len(hrefs) >= 3, f"searching 'Dockerfile' from file:// found {hrefs}"
    assert all(href.startswith("file:") and ".html" in href for href in hrefs), hrefs[:5]
    assert any("/lectures/" in href for href in hrefs), hrefs[:5]
    assert not visit.remote(), visit.remote()


def test_the_language_choice_follows_the_learner_to_the_next_page(visit: Visit, unpacked: Path) -> None:
    page = visit.page
    page.goto((unpacked / "index.html").as_uri())
    assert not english_shown(page), "Korean first"
    choose_english(page)
    assert english_shown(page)
    page.goto((unpacked / "lectures" / "22-dockerfile.html").as_uri())
    assert english_shown(page), "the choice made on the home page is remembered on file://"
    page.reload()
    assert english_shown(page)
    assert not visit.remote(), visit.remote()


def test_diagrams_are_visible_without_the_network(visit: Visit, unpacked: Path) -> None:
    page = visit.page
    page.goto((unpacked / "lectures" / "22-dockerfile.html").as_uri())
    page.wait_for_load_state("networkidle")
    drawn = page.locator(".md-content svg:visible").evaluate_all(
        "svgs => svgs.map(s => s.getBoundingClientRect()).filter(r => r.width > 150 && r.height > 100).length"
    )
    assert drawn >= 1, "lecture 22's diagram is drawn"
    assert not visit.remote(), visit.remote()
    assert not visit.errors, visit.errors
