"""Every page of the built site in a real browser (Chromium, driven by Playwright), loaded once
per language as a reader who chose that language opens it, with every per-page check run on
that one load (a page load with Material's script is a good part of each check's cost):

- **Accessibility**: axe-core (npm, fetched once with `npm pack` and checked by SHA-256, like
  the site's vendored files) in both colour schemes. Any critical or serious violation fails,
  named by rule, page, language and scheme with the elements it found.
- **One language at a time** (issue 9's bars): in English no Hangul is visible outside code,
  nor in the tab title or the search box; in Korean no English prose paragraph is visible.
- **Runs of prose drawn later** (hooks/render_later.py): on a phone's width, a run not yet drawn
  reserves at least the height it takes once drawn, so boxes measured before and after it is
  drawn never overlap.

The light scheme gets every axe rule of the WCAG 2.2 AA and best-practice tags. The dark scheme
is the same page with other colours (Material swaps CSS custom properties) and its own drawing
of each diagram (hooks/diagrams.py draws one SVG per scheme, CSS shows one), so it gets the rules
that read colours (contrast of text, of links against the text around them) and the rules that
name images. Each page is checked in the scheme it opens in, then after the header's scheme
toggle, as a reader switches (Material keeps the choice, so the next page opens in the other
scheme and is checked the other way round). The page is then narrowed to a phone's width
(390 px, what the height estimates are for) to measure its runs of prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest

from hooks.vendor_assets import npm_file
from tests.site_pages import HANGUL, SCHEMES, choose, scheme_shown, site_pages, switch_scheme

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize  # `browser`: tests/conftest.py


AXE = (
    "axe-core",
    "4.14.1",
    "package/axe.min.js",
    "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"critical", "serious"}
# What a colour scheme can change: colours, and which drawing of a diagram is shown.
SCHEME_RULES = ["color-contrast", "link-in-text-block", "svg-img-alt", "role-img-alt", "image-alt"]
# The reader's system setting per walk, so a first visit on a light and on a dark system are both seen
SYSTEM_SCHEME: dict[str, Literal["light", "dark"]] = {"ko": "light", "en": "dark"}
RUN_ON = {"light": {"type": "tag", "values": TAGS}, "dark": {"type": "rule", "values": SCHEME_RULES}}
DESKTOP: ViewportSize = {"width": 1280, "height": 720}
PHONE: ViewportSize = {"width": 390, "height": 844}

# Parts of a page drawn only near the screen (`content-visibility: auto`: course.css) are drawn
# for the run, as a reader scrolling to them sees them, and left to the browser again after it.
# axe measures every element's box; a part it measured while undrawn holds an estimated height,
# so boxes measured before and after it disagree and axe reads the colour behind a link from a
# box that is elsewhere on screen. Drawing them when axe starts keeps what the reader would see:
# a part drawn after the scheme changed still starts from the colours it had when last drawn.
# They are found by that computed style, so a part course.css defers later is drawn too.
AXE_RUN = """(runOnly) => {
  const later = [...document.querySelectorAll("*")]
    .filter(element => getComputedStyle(element).contentVisibility === "auto");
  later.forEach(element => element.style.setProperty("content-visibility", "visible", "important"));
  return axe.run(document, { runOnly, resultTypes: ["violations"] })
    .then(result => result.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => n.target.join(" ")
        + (n.failureSummary ? " — " + n.failureSummary.split("\\n")[1] : "")),
    })))
    .finally(() => later.forEach(element => element.style.removeProperty("content-visibility")));
}"""

# The house style (a maintainers' page) teaches Korean style: its English quotes Korean words.
QUOTES_KOREAN = {"maintainers/style/"}

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

# Each shown run's reserved height (its estimate) and its height once drawn.
RUN_HEIGHTS = """() => [...document.querySelectorAll('.course-flow')]
  .filter((run) => run.checkVisibility())
  .map((run) => {
    const reserved = parseFloat(run.style.containIntrinsicSize.split(' ').pop());
    run.style.contentVisibility = 'visible';
    const drawn = run.getBoundingClientRect().height;
    run.style.removeProperty('content-visibility');
    const where = run.previousElementSibling && run.previousElementSibling.id;
    return [reserved, Math.round(drawn), where || run.closest('[lang]').lang];
  })"""


def english_prose(text: str) -> bool:
    """A paragraph of mostly Latin words: 4 or more, and over two-thirds of its words."""
    words = re.findall(r"[\w'’-]+", text)
    latin = [w for w in words if re.fullmatch(r"[A-Za-z][A-Za-z'’-]*", w)]
    hangul = [w for w in words if HANGUL.search(w)]
    return len(latin) >= 4 and len(latin) > 2 * len(hangul)


@dataclass
class Walk:
    """What one language's walk over every page found, check by check."""

    language: str
    pages: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    schemes: dict[str, set[str]] = field(default_factory=dict)
    other_language: list[str] = field(default_factory=list)
    runs: int = 0
    short_runs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def check_axe(tab: Page, path: str, walk: Walk, first: bool) -> None:
    """axe in the scheme the page opens in, then in the other one after the header's toggle."""
    system = SYSTEM_SCHEME[walk.language]
    for toggled in (False, True):
        scheme = switch_scheme(tab) if toggled else scheme_shown(tab)
        assert scheme, f"/{path}: no colour scheme"
        assert not first or toggled or scheme == system, f"/{path} opened {scheme} on a {system} system"
        walk.schemes.setdefault(path, set()).add(scheme)
        violations: list[dict[str, Any]] = tab.evaluate(AXE_RUN, RUN_ON[scheme])
        for violation in violations:
            if violation["impact"] in FAILING:
                nodes = violation["nodes"]
                walk.axe.append(
                    f"{violation['impact']} {violation['id']} ({violation['help']}) on /{path} "
                    f"[{walk.language}, {scheme}]: {len(nodes)} nodes, e.g. " + "; ".join(nodes[:3])
                )


def check_one_language(tab: Page, path: str, walk: Walk) -> None:
    """In English, no Hangul outside code (text, tab title, search box); in Korean, no English
    prose paragraph."""
    if walk.language == "ko":
        walk.other_language += [
            f"/{path} #{where}: {text[:100]!r}"
            for text, where in tab.evaluate(VISIBLE_PROSE)
            if english_prose(text)
        ]
        return
    if path in QUOTES_KOREAN:
        return
    walk.other_language += [
        f"/{path} {where}: {text[:80]!r}" for text, where in tab.evaluate(VISIBLE_TEXT) if HANGUL.search(text)
    ]
    title = tab.title()
    placeholder = tab.get_attribute(".md-search__input", "placeholder") or ""
    walk.other_language += [f"/{path} <title>: {title!r}"] if HANGUL.search(title) else []
    walk.other_language += [f"/{path} search box: {placeholder!r}"] if HANGUL.search(placeholder) else []


def check_run_heights(tab: Page, path: str, walk: Walk) -> None:
    """On a phone's width, each shown run of prose reserves at least its drawn height."""
    tab.set_viewport_size(PHONE)
    for reserved, drawn, where in tab.evaluate(RUN_HEIGHTS):
        walk.runs += 1
        if drawn > reserved:
            walk.short_runs.append(f"/{path} after #{where}: drawn {drawn}px, reserved {reserved:.0f}px")


def walk_every_page(browser: Browser, site_url: str, pages: list[str], axe: Path, language: str) -> Walk:
    walk = Walk(language, pages)
    context = browser.new_context(color_scheme=SYSTEM_SCHEME[language], viewport=DESKTOP)
    context.add_init_script(choose(language))
    tab = context.new_page()
    tab.on("pageerror", lambda error: walk.errors.append(f"{tab.url}: {error}"))
    try:
        for number, path in enumerate(pages):
            tab.set_viewport_size(DESKTOP)
            tab.goto(site_url + path)
            shown = tab.evaluate("document.documentElement.lang")
            assert shown == language, f"/{path} opened in {shown!r}, not {language!r}"
            check_one_language(tab, path, walk)
            tab.add_script_tag(path=str(axe))
            check_axe(tab, path, walk, first=number == 0)
            check_run_heights(tab, path, walk)
    finally:
        context.close()
    return walk


@pytest.fixture(scope="module")
def walks(browser: Browser, site_url: str, built_site: Path) -> Callable[[str], Walk]:
    """Each language's walk, done once for the tests that read it."""
    axe = npm_file(*AXE)
    pages = site_pages(built_site)
    done: dict[str, Walk] = {}

    def walked(language: str) -> Walk:
        if language not in done:
            done[language] = walk_every_page(browser, site_url, pages, axe, language)
        return done[language]

    return walked


LANGUAGES = ["ko", "en"]


def test_english_prose_means_a_paragraph_of_mostly_latin_words() -> None:
    assert english_prose("Containers are isolated from each other.")
    assert not english_prose("Docker Hub의 공식 node 이미지로 컨테이너를 실행합니다.")
    assert not english_prose("이미지 · image")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_walked_without_a_script_error(walks: Callable[[str], Walk], language: str) -> None:
    walk = walks(language)
    assert "lectures/20-external-images/" in walk.pages and "" in walk.pages, walk.pages
    assert not walk.errors, walk.errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_no_critical_or_serious_axe_violation(
    walks: Callable[[str], Walk], language: str
) -> None:
    walk = walks(language)
    assert not walk.axe, f"{len(walk.axe)} axe violations:\n" + "\n".join(walk.axe)
    assert all(schemes == set(SCHEMES) for schemes in walk.schemes.values()), walk.schemes
    assert set(walk.schemes) == set(walk.pages)


def test_in_english_no_hangul_is_visible_outside_code(walks: Callable[[str], Walk]) -> None:
    found = walks("en").other_language
    assert not found, f"{len(found)} Korean texts visible in English mode:\n" + "\n".join(found[:40])


def test_in_korean_no_english_prose_paragraph_is_visible(walks: Callable[[str], Walk]) -> None:
    found = walks("ko").other_language
    assert not found, f"{len(found)} English paragraphs visible in Korean mode:\n" + "\n".join(found[:40])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_run_not_yet_drawn_reserves_at_least_its_drawn_height(
    walks: Callable[[str], Walk], language: str
) -> None:
    walk = walks(language)
    assert walk.runs > 100, f"only {walk.runs} runs of prose on the whole site"
    short = "\n".join(walk.short_runs)
    assert not short, f"runs taller than the height they reserve (hooks/render_later.py):\n{short}"
