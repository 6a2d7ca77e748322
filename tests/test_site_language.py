"""One language at a time, in a real browser (Debian's Chromium driven by Playwright).

The header's switch chooses 한국어 or English for the whole site; the choice is applied before
first paint and everything follows it: the prose, the page title, H1, nav, TOC, footer, site
name, Material's own strings and <html lang>. The two bars of issue 9 (in English no Hangul is
visible outside code, in Korean no English prose paragraph is) are checked on every page by
tests/test_site_every_page.py, on the same page loads as accessibility.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.site_pages import HANGUL, choose

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # the `browser` fixture: tests/conftest.py


LECTURE_20 = "lectures/20-external-images/"
LECTURE_22 = "lectures/22-dockerfile/"


def reader(browser: Browser, language: str) -> tuple[Page, list[str]]:
    """A new reader whose stored choice is `language`, and the page errors it meets."""
    context = browser.new_context()
    context.add_init_script(choose(language))
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return tab, errors


def state(tab: Page) -> dict[str, str]:
    return dict(
        tab.evaluate("""() => ({
            lang: document.documentElement.lang,
            title: document.title,
            h1: document.querySelector("article h1").innerText.trim(),
            header: document.querySelector(".md-header__topic:not([data-md-component]) .md-ellipsis")
              .innerText.trim(),
            stored: localStorage.getItem("/.__tabs"),
        })""")
    )


def test_the_header_switch_changes_every_part_of_the_page_and_fires_an_event(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + LECTURE_20)
    before = state(page)
    assert (
        before["lang"] == "ko"
        and before["h1"].startswith("20. 외부")
        and before["header"] == "Docker 이미지 & 컨테이너"
    )
    page.evaluate("""() => { window.__events = [];
        document.addEventListener("course:language", (e) => window.__events.push(e.detail.lang)); }""")
    switch = page.get_by_role("button", name="English")
    assert switch.is_visible()
    switch.click()
    after = state(page)
    assert after["lang"] == "en" and after["h1"] == "20. Using & running external (pre-built) images", after
    assert after["title"] == "20. Using & running external (pre-built) images - Docker images & containers"
    assert after["header"] == "Docker images & containers" and after["stored"] == '["English"]'
    nav = " ".join(page.locator(".md-nav--primary .md-nav__link:visible").all_inner_texts())
    assert "Lectures" in nav and "Glossary" in nav and not HANGUL.search(nav), nav
    assert page.locator(".md-sidebar--secondary .md-nav__title").inner_text().strip() == "Table of contents"
    assert page.get_attribute(".md-search__input", "placeholder") == "Search"
    assert page.get_attribute(".md-search", "aria-label") == "Search"
    assert page.evaluate("window.__events") == ["en"]
    page.get_by_role("button", name="한국어").click()
    assert state(page)["lang"] == "ko" and page.evaluate("window.__events") == ["en", "ko"]


def test_the_switch_stays_in_the_header_on_a_phone_while_reading(browser: Browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    tab = context.new_page()
    try:
        tab.goto(site_url + LECTURE_22)
        tab.mouse.wheel(0, 6000)
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        switch = tab.locator("[data-course-switch]")
        box = switch.bounding_box()
        assert box is not None and 0 <= box["y"] < 60, box  # in the sticky header, on screen
        switch.click()
        assert tab.evaluate("document.documentElement.lang") == "en"
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows
    finally:
        context.close()


def test_the_choice_is_applied_before_first_paint(browser: Browser, site_url: str) -> None:
    """When <body> starts, <html> already carries the stored language (course.css shows by it)."""
    context = browser.new_context()
    context.add_init_script(choose("en"))
    context.add_init_script("""new MutationObserver((_, observer) => {
        if (!document.body) return;
        window.__atBody = [document.documentElement.lang, document.documentElement.dataset.courseLanguage];
        observer.disconnect();
    }).observe(document, { childList: true, subtree: true });""")
    tab = context.new_page()
    try:
        tab.goto(site_url + LECTURE_22)
        assert tab.evaluate("window.__atBody") == ["en", "en"]
    finally:
        context.close()


def test_instant_navigation_keeps_the_language_and_its_toc(browser: Browser, site_url: str) -> None:
    tab, errors = reader(browser, "en")
    try:
        tab.goto(site_url + LECTURE_20, wait_until="networkidle")  # Material has read the sitemap
        tab.evaluate("window.__sameDocument = true")
        tab.locator(".md-footer__link--next").click()
        tab.wait_for_url("**/21-goals-app/")
        tab.wait_for_function("document.querySelector('article h1').innerText.startsWith('21.')")
        assert tab.evaluate("window.__sameDocument") is True, "navigation.instant is on: no full reload"
        current = state(tab)
        assert current["lang"] == "en" and current["title"].startswith("21. Our goal"), current
        toc = " ".join(tab.locator(".md-nav--secondary .md-nav__link:visible").all_inner_texts())
        assert toc and not HANGUL.search(toc), toc
        assert tab.locator("article [data-course-lang='en']").first.is_visible()
        assert not errors, errors
    finally:
        tab.context.close()


# The focused element, and whether the reader sees it (or the label after it, as Material's
# palette toggle is a hidden radio input shown by the label that follows it).
SEEN = """() => {
  const element = document.activeElement;
  const seen = (e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && e.checkVisibility();
  };
  const next = element.nextElementSibling;
  const label = next && next.tagName === "LABEL" ? next : null;
  return [element.tagName + (element.id ? "#" + element.id : "") + "." + element.className,
          seen(element) || Boolean(label && seen(label))];
}"""


def test_hidden_tab_controls_are_out_of_the_keyboard_order(page: Page, site_url: str) -> None:
    page.goto(site_url + LECTURE_22)
    reachable = page.evaluate(
        "[...document.querySelectorAll('.tabbed-set input')].filter(i => !i.inert && i.tabIndex >= 0).length"
    )
    assert reachable == 0
    invisible = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(SEEN)
        if not focused[1]:
            invisible.append(focused[0])
    assert not invisible, f"keyboard focus landed on invisible elements: {invisible}"


def test_each_prose_block_carries_its_language(page: Page, site_url: str) -> None:
    page.goto(site_url + LECTURE_22)
    blocks = page.evaluate("""() => [...document.querySelectorAll('.tabbed-set.course-languages')]
        .map(set => [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')]
        .map(block => block.lang))""")
    assert len(blocks) > 10 and all(langs == ["ko", "en"] for langs in blocks), blocks
