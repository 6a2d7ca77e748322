"""The built site in a real browser (Debian's Chromium driven by Playwright), as a learner uses it.

One language at a time with one switch per page, remembered across pages and reloads;
diagrams drawn from the site's own files (no CDN); copy buttons that copy commands only.
Search: tests/test_site_search.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from provision.browser import CODE_FONT, FONTS, TEXT_FONT, Font
from tests.helpers import require_fonts

if TYPE_CHECKING:
    from playwright.sync_api import Page  # the `browser` fixture: tests/conftest.py

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def site_root(site_url: str) -> str:
    """The served site's address without the final "/" (the paths below start with one)."""
    return site_url.rstrip("/")


LECTURE_20 = "/lectures/20-external-images/"


def visible_switches(page: Page) -> int:
    """Language switches a reader sees: the header's button; no tab bar of a language set."""
    return int(
        page.evaluate(
            "[...document.querySelectorAll('[data-course-switch], .tabbed-labels')]"
            ".filter(e => e.checkVisibility()).length"
        )
    )


def test_one_language_switch_per_page_and_the_choice_is_remembered(page: Page, site_root: str) -> None:
    page.goto(site_root + LECTURE_20)
    assert visible_switches(page) == 1, "one language switch on a page: the header's"
    korean = page.locator("#l20-isolation")
    english = page.locator("#l20-isolation-en")
    assert korean.is_visible() and not english.is_visible()  # Korean first
    page.get_by_role("button", name="English").click()
    assert english.is_visible() and not korean.is_visible()
    toc = page.locator(".md-sidebar--secondary a.md-nav__link:visible")
    texts = " ".join(toc.all_inner_texts())
    assert "Containers are isolated" in texts and "격리" not in texts
    page.reload()
    assert page.locator("#l20-isolation-en").is_visible()
    page.goto(site_root + "/lectures/22-dockerfile/")
    assert page.evaluate("document.documentElement.lang") == "en"
    headings = page.locator("h1:visible, h2:visible").all_inner_texts()
    assert headings and all(not any("\uac00" <= ch <= "\ud7a3" for ch in h) for h in headings), headings
    page.get_by_role("button", name="한국어").click()
    page.goto(site_root + LECTURE_20)
    assert korean.is_visible() and page.evaluate("document.documentElement.lang") == "ko"


def test_deep_link_to_the_other_language_switches_to_it(page: Page, site_root: str) -> None:
    page.goto(site_root + LECTURE_20 + "#l20-isolation-en")
    assert page.locator("#l20-isolation-en").is_visible()
    assert page.evaluate("[document.documentElement.lang, localStorage.getItem('/.__tabs')]") == [
        "en",
        '["English"]',
    ], "the linked language is shown and becomes the reader's choice"
    page.goto(site_root + LECTURE_20 + "#l20-isolation")  # a Korean section, while English is chosen
    assert page.locator("#l20-isolation").is_visible() and not page.locator("#l20-isolation-en").is_visible()
    assert page.evaluate("document.documentElement.lang") == "ko"


def test_diagrams_render_from_the_site_itself(page: Page, site_root: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site_root + "/lectures/19-images-and-containers/", wait_until="load")
    # hooks/diagrams.py drew the diagram at build time: an inline SVG, named, no script to run
    diagram = page.locator("figure.course-diagram > svg[role=img]:visible")
    assert diagram.count() == 1
    box = diagram.bounding_box()
    assert diagram.get_attribute("aria-label") and box and box["height"] > 100
    assert "컨테이너 1" in (diagram.text_content() or "")
    assert page.evaluate("typeof window.mermaid") == "undefined"
    assert not [url for url in requests if "mermaid" in url], "no Mermaid is loaded"
    foreign = [url for url in requests if not url.startswith(site_root) and not url.startswith("data:")]
    assert foreign == [], f"third-party requests: {foreign}"


def test_copy_button_copies_commands_only(page: Page, site_root: str) -> None:
    page.goto(site_root + LECTURE_20)
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
    page: Page, site_root: str, selector: str, font: Font
) -> None:
    require_fonts()
    page.goto(site_root + LECTURE_20)
    drawn = drawn_with(page, selector)
    assert font.family in drawn, drawn
    assert drawn <= {named.family for named in FONTS}, f"fontconfig fell back to {drawn}"
