"""One language at a time, in a real browser (Debian's Chromium driven by Playwright).

The header's switch chooses 한국어 or English for the whole site; the choice is applied before
first paint and everything follows it: the prose, the page title, H1, nav, TOC, footer, site
name, Material's own strings and <html lang>. The two bars of issue 9: in English no Hangul is
visible outside code, in Korean no English prose paragraph is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.site_pages import choose, site_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # the `browser` fixture: tests/conftest.py


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LECTURE_20 = "lectures/20-external-images/"
LECTURE_22 = "lectures/22-dockerfile/"
# The house style (a maintainers' page) teaches Korean style: its English quotes Korean words.
QUOTES_KOREAN = {"maintainers/style/"}


def reader(browser: Browser, language: str) -> tuple[Page, list[str]]:
    """A new reader whose stored choice is `language`, and the page errors it meets."""
    context = browser.new_context()
    context.add_init_script(choose(language))
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return tab, errors


# What a reader sees: text nodes of rendered elements, outside code, keys and diagrams. The
# language switch is left out: it names the other language in that language ("한국어"), so a
# reader who cannot read the page's language still finds it.
VISIBLE_TEXT = """() => {
  const skip = "pre, code, kbd, svg, script, style, noscript, template, [data-course-switch]";
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest(skip)) continue;
    if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
    const box = parent.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    const where = parent.closest("[id]");
    found.push([text, parent.tagName.toLowerCase() + (where ? "#" + where.id : "")]);
  }
  return found;
}"""

# Prose paragraphs and list items a reader sees, without their inline code, keys and diagrams.
VISIBLE_PROSE = """() => [...document.querySelectorAll("article p, article li, article dd")]
  .filter((element) => !element.closest("pre, svg") && element.checkVisibility())
  .map((element) => {
    const copy = element.cloneNode(true);
    copy.querySelectorAll("code, kbd, pre, svg, ul, ol").forEach((inner) => inner.remove());
    const where = element.closest("[id]");
    return [copy.textContent.replace(/\\s+/g, " ").trim(), where ? where.id : ""];
  })"""


def english_prose(text: str) -> bool:
    """A paragraph of mostly Latin words: 4 or more, and over two-thirds of its words."""
    words = re.findall(r"[\w'’-]+", text)
    latin = [w for w in words if re.fullmatch(r"[A-Za-z][A-Za-z'’-]*", w)]
    hangul = [w for w in words if HANGUL.search(w)]
    return len(latin) >= 4 and len(latin) > 2 * len(hangul)


def test_english_prose_means_a_paragraph_of_mostly_latin_words() -> None:
    assert english_prose("Containers are isolated from each other.")
    assert not english_prose("Docker Hub의 공식 node 이미지로 컨테이너를 실행합니다.")
    assert not english_prose("이미지 · image")


@pytest.fixture(scope="module")
def pages(built_site: Path) -> list[str]:
    found = site_pages(built_site)
    assert LECTURE_20 in found and "" in found, found
    return found


def test_in_english_no_hangul_is_visible_outside_code(
    browser: Browser, site_url: str, pages: list[str]
) -> None:
    tab, errors = reader(browser, "en")
    problems = []
    for path in pages:
        tab.goto(site_url + path)
        assert tab.evaluate("document.documentElement.lang") == "en", path
        if path in QUOTES_KOREAN:
            continue
        for text, where in tab.evaluate(VISIBLE_TEXT):
            if HANGUL.search(text):
                problems.append(f"/{path} {where}: {text[:80]!r}")
        title = tab.title()
        placeholder = tab.get_attribute(".md-search__input", "placeholder") or ""
        problems += [f"/{path} <title>: {title!r}"] if HANGUL.search(title) else []
        problems += [f"/{path} search box: {placeholder!r}"] if HANGUL.search(placeholder) else []
    tab.context.close()
    assert not errors, errors
    assert not problems, f"{len(problems)} Korean texts visible in English mode:\n" + "\n".join(problems[:40])


def test_in_korean_no_english_prose_paragraph_is_visible(
    browser: Browser, site_url: str, pages: list[str]
) -> None:
    tab, errors = reader(browser, "ko")
    problems = []
    for path in pages:
        tab.goto(site_url + path)
        assert tab.evaluate("document.documentElement.lang") == "ko", path
        problems += [
            f"/{path} #{where}: {text[:100]!r}"
            for text, where in tab.evaluate(VISIBLE_PROSE)
            if english_prose(text)
        ]
    tab.context.close()
    assert not errors, errors
    assert not problems, f"{len(problems)} English paragraphs visible in Korean mode:\n" + "\n".join(
        problems[:40]
    )


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
