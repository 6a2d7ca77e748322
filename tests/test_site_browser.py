"""The built site in a real browser (Debian's Chromium driven by Playwright), as a learner uses it.

One language at a time with one switch per page, remembered across pages and reloads;
diagrams drawn from the site's own files (no CDN); copy buttons that copy commands only;
Korean search that finds Korean words.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hooks.pdf import serve_folder
from provision.browser import CODE_FONT, FONTS, TEXT_FONT, Font
from tests.helpers import mkdocs_build, require_fonts

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # the `browser` fixture: tests/conftest.py

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built with --strict and served on a free loopback port."""
    site = tmp_path_factory.mktemp("site")
    build = mkdocs_build(site)
    assert build.returncode == 0, build.stderr[-3000:]
    with serve_folder(str(site)) as base:
        yield base.rstrip("/")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


LECTURE_20 = "/lectures/20-external-images/"


def visible_tab_bars(page: Page) -> int:
    return int(
        page.evaluate(
            "[...document.querySelectorAll('.tabbed-labels')].filter(e => e.offsetParent !== null).length"
        )
    )


def test_one_language_switch_per_page_and_the_choice_is_remembered(page: Page, site_url: str) -> None:
    page.goto(site_url + LECTURE_20)
    assert visible_tab_bars(page) == 1, "only the first tab bar of a page is shown"
    korean = page.locator("#l20-isolation")
    english = page.locator("#l20-isolation-en")
    assert korean.is_visible() and not english.is_visible()  # Korean first
    page.locator(".tabbed-labels label", has_text="English").first.click()
    assert english.is_visible() and not korean.is_visible()
    toc = page.locator(".md-nav--secondary a.md-nav__link:visible")
    texts = " ".join(toc.all_inner_texts())
    assert "Containers are isolated" in texts and "격리" not in texts
    page.reload()
    assert page.locator("#l20-isolation-en").is_visible()
    page.goto(site_url + "/lectures/22-dockerfile/")
    headings = page.locator("h2:visible").all_inner_texts()
    assert headings and all(not any("\uac00" <= ch <= "\ud7a3" for ch in h) for h in headings), headings


def test_deep_link_to_the_other_language_switches_to_it(page: Page, site_url: str) -> None:
    page.goto(site_url + LECTURE_20 + "#l20-isolation-en")
    assert page.locator("#l20-isolation-en").is_visible()


def test_diagrams_render_from_the_site_itself(page: Page, site_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_url + "/lectures/19-images-and-containers/")
    # Material replaces <pre class="mermaid"> with a <div> holding the SVG in a closed shadow root.
    page.wait_for_function(
        "[...document.querySelectorAll('div.mermaid')].some(e => e.offsetHeight > 100)", timeout=15_000
    )
    foreign = [url for url in requests if not url.startswith(site_url) and not url.startswith("data:")]
    assert foreign == [], f"third-party requests: {foreign}"


def test_copy_button_copies_commands_only(page: Page, site_url: str) -> None:
    page.goto(site_url + LECTURE_20)
    # What Material's copy button puts on the clipboard: the block's innerText while it
    # carries data-md-copying (see Material's clipboard code).
    copied = page.evaluate("""() => {
        const code = document.querySelector('.highlight .gp').closest('code');
        code.setAttribute('data-md-copying', '');
        const text = code.innerText.trimEnd();
        code.removeAttribute('data-md-copying');
        return text;
    }""")
    assert copied.strip() == "docker run node"


def drawn_with(page: Page, selector: str) -> set[str]:
    """The font families Chromium drew the first `selector` match's text with (DevTools' "Rendered Fonts")."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    assert node, f"no {selector} on the page"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in fonts}


@pytest.mark.parametrize(
    ("selector", "font"),
    [("h1", TEXT_FONT), ("#l20-isolation", TEXT_FONT), (".highlight code .gp", CODE_FONT)],
    ids=["heading", "korean-text", "code"],
)
def test_text_and_code_are_drawn_in_the_fonts_the_project_installs(
    page: Page, site_url: str, selector: str, font: Font
) -> None:
    require_fonts()
    page.goto(site_url + LECTURE_20)
    drawn = drawn_with(page, selector)
    assert font.family in drawn, drawn
    assert drawn <= {named.family for named in FONTS}, f"fontconfig fell back to {drawn}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("격리", "20-external-images"),
        ("isolated", "20-external-images"),
        ("블루프린트", "19-images-and-containers"),
        ("읽기 전용", "25-images-read-only"),
        ("캐시", "26-image-layers"),
        ("detached", "30-attached-detached"),
        ("EOFError", "31-interactive-mode"),
    ],
)
def test_search_finds_korean_and_english_words(page: Page, site_url: str, query: str, expected: str) -> None:
    page.goto(site_url + "/")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    # Material reads the query on keyup (Playwright's fill() sends none), and the index loads in
    # a web worker: type, press a key, and try again until results come on a busy machine.
    found = (
        "expected => [...document.querySelectorAll('.md-search-result__item a')]"
        ".some(a => a.getAttribute('href').includes(expected))"
    )
    search = page.locator(".md-search__input")
    for _ in range(30):
        search.fill(query)
        search.press("End")
        try:
            page.wait_for_function(found, arg=expected, timeout=2_000)
            return
        except Exception:  # playwright's TimeoutError: not (yet) found
            continue
    links = page.eval_on_selector_all(
        ".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))"
    )
    pytest.fail(f"searching {query!r} did not find {expected} within 60 s; results: {links}")
