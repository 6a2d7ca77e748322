"""A long lecture on a phone, in a real browser: what the page leaves for later so that it loads
without blocking (issue 9's Lighthouse bar), and that the learner still gets all of it.

- Code blocks have their toolbar (copy button), named in the reader's language and numbered by
  their place on the page (language.js).
- The language tab sets are not Material tab components (no `data-tabs`): the header's switch
  drives them (docs/assets/javascripts/language.js).
- The closed nav drawer is neither drawn nor reached by the keyboard; opening it shows the nav.
- Blocks far down the page are drawn when they come near (course.css, content-visibility), and a
  link to a section far down still lands on it.
- A run of prose not yet drawn reserves at least the height it takes once drawn
  (hooks/render_later.py): checked on every page by tests/test_site_every_page.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # the `browser` fixture: tests/conftest.py


LECTURE_22 = "lectures/22-dockerfile/"

TOOLBARS = """() => [...document.querySelectorAll('pre')].map((pre, index) => {
    const nav = pre.querySelector(':scope > nav.md-code__nav');
    const button = nav && nav.querySelector('[data-md-type="copy"]');
    return {index, shown: pre.checkVisibility(), label: nav && nav.getAttribute('aria-label'),
            title: button && button.getAttribute('title')};
})"""


TOOLBAR_MOUNTED = "(i) => document.querySelectorAll('pre')[i].querySelector(':scope > nav.md-code__nav')"


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone-sized tab with fresh storage (Korean)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def scroll_through(page: Page) -> None:
    """Bring every shown code block to the screen, as a reader scrolling down would, and give
    each a moment (up to 5 s: Material mounts a block from an IntersectionObserver, later on a
    loaded machine) to get its toolbar; a block still without one is the test's finding."""
    page.evaluate("document.querySelectorAll('details').forEach((box) => { box.open = true; })")
    for index in range(int(page.evaluate("document.querySelectorAll('pre').length"))):
        shown = page.evaluate(
            """(index) => {
                const pre = document.querySelectorAll('pre')[index];
                const top = pre.getBoundingClientRect().top + scrollY;
                if (pre.checkVisibility()) window.scrollTo(0, top - 200);
                return pre.checkVisibility();
            }""",
            index,
        )
        if shown:
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function(TOOLBAR_MOUNTED, arg=index, timeout=5_000)


def test_code_blocks_get_a_copy_button_in_the_readers_language_when_seen(phone: Page, site_url: str) -> None:
    phone.goto(site_url + LECTURE_22)
    assert phone.evaluate("document.querySelectorAll('.course-languages[data-tabs]').length") == 0, (
        "hooks/language.py: a language set carries no data-tabs (Material would mount a tab component on it)"
    )
    scroll_through(phone)
    blocks = phone.evaluate(TOOLBARS)
    shown = [block for block in blocks if block["shown"]]
    assert len(shown) > 10, blocks
    for block in shown:
        assert block["label"] == f"코드 블록 {block['index'] + 1}", block
        assert block["title"] == "클립보드로 복사", block
    phone.get_by_role("button", name="English").click()
    scroll_through(phone)
    english = [block for block in phone.evaluate(TOOLBARS) if block["shown"]]
    newly_shown = [block for block in english if block["index"] not in {b["index"] for b in shown}]
    assert newly_shown, "English blocks the switch shows"
    for block in english:
        assert block["label"] == f"Code block {block['index'] + 1}", block
        assert block["title"] == "Copy to clipboard", block
    labels = [block["label"] for block in phone.evaluate(TOOLBARS) if block["label"]]
    assert len(labels) == len(set(labels)), "each toolbar landmark has a name of its own"


def test_the_closed_drawer_is_out_of_reach_and_opens_with_the_nav(phone: Page, site_url: str) -> None:
    phone.goto(site_url + LECTURE_22)
    drawer_links = ".md-sidebar--primary a.md-nav__link"
    assert (
        phone.evaluate(
            f"[...document.querySelectorAll('{drawer_links}')].filter(a => a.checkVisibility()).length"
        )
        == 0
    )
    for _ in range(12):  # the keyboard never lands on a link of the closed drawer
        phone.keyboard.press("Tab")
        assert not phone.evaluate(f"!!document.activeElement.closest('{drawer_links}')"), (
            "focus in the closed drawer"
        )
    phone.locator(".md-header label[for='__drawer']").click()
    next_lecture = phone.locator(drawer_links, has_text="23.").first
    next_lecture.wait_for(state="visible")
    phone.wait_for_function(  # the drawer slides in
        "(link) => link.getBoundingClientRect().left >= 0 && link.getBoundingClientRect().right <= 390",
        arg=next_lecture.element_handle(),
    )
    next_lecture.click()
    phone.wait_for_url("**/lectures/23-own-image-container/")


def test_a_link_far_down_a_long_lecture_lands_on_its_section(phone: Page, site_url: str) -> None:
    phone.goto(site_url + LECTURE_22)
    target = phone.evaluate(
        "[...document.querySelectorAll('.md-content h2[id]')].filter(h => h.checkVisibility()).pop().id"
    )
    phone.goto("about:blank")
    phone.goto(site_url + LECTURE_22 + "#" + target)
    phone.wait_for_timeout(500)
    top = phone.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top")
    assert 0 <= top < 200, f"#{target} is at {top}px, not at the top of the screen"
