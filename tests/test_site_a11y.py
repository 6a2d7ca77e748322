"""Accessibility of every page, in both languages and both colour schemes: axe-core (npm,
fetched once with `npm pack` and checked by SHA-256, like the site's vendored files) runs in
Debian's Chromium on each page of the built site. Any critical or serious violation fails,
named by rule, page, language and scheme with the elements it found.

The light scheme gets every rule of the WCAG 2.2 AA and best-practice tags. The dark scheme is
the same page with other colours (Material swaps CSS custom properties) and its own drawing of
each diagram (hooks/diagrams.py draws one SVG per scheme, CSS shows one), so it gets the rules
that read colours (contrast of text, of links against the text around them) and the rules that
name images. That halves the suite's time without leaving any rule unchecked in either language.

Each page is loaded once per language and checked in both schemes: in the scheme it opens in,
then after the header's scheme toggle, as a reader switches (Material keeps the choice, so the
next page opens in the other scheme and is checked the other way round)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from hooks.vendor_assets import npm_file
from tests.site_pages import SCHEMES, choose, scheme_shown, site_pages, switch_scheme

if TYPE_CHECKING:
    from playwright.sync_api import Browser  # the `browser` fixture: tests/conftest.py


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
SYSTEM_SCHEME = {"ko": "light", "en": "dark"}
RUN_ON = {"light": {"type": "tag", "values": TAGS}, "dark": {"type": "rule", "values": SCHEME_RULES}}

# Parts of a page drawn only near the screen (`content-visibility: auto`: course.css) are drawn
# for the run, as a reader scrolling to them sees them, and left to the browser again after it.
# axe measures every element's box; a part it measured while undrawn holds an estimated height,
# so boxes measured before and after it disagree and axe reads the colour behind a link from a
# box that is elsewhere on screen. Drawing them when axe starts keeps what the reader would see:
# a part drawn after the scheme changed still starts from the colours it had when last drawn.
# They are found by that computed style, so a part course.css defers later is drawn too.
RUN = """(runOnly) => {
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


@pytest.fixture(scope="module")
def axe() -> Path:
    return npm_file(*AXE)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_page_has_no_critical_or_serious_axe_violation(
    browser: Browser, site_url: str, built_site: Path, axe: Path, language: str
) -> None:
    system = SYSTEM_SCHEME[language]
    context = browser.new_context(color_scheme=system)
    context.add_init_script(choose(language))
    tab = context.new_page()
    found: list[str] = []
    checked: dict[str, set[str]] = {}
    try:
        for number, path in enumerate(site_pages(built_site)):
            tab.goto(site_url + path)
            tab.add_script_tag(path=str(axe))
            for toggled in (False, True):  # the scheme the page opens in, then the other one
                scheme = switch_scheme(tab) if toggled else scheme_shown(tab)
                language_shown = tab.evaluate("document.documentElement.lang")
                assert language_shown == language and scheme, f"/{path}: {language_shown}, {scheme}"
                assert number or toggled or scheme == system, f"/{path} opened {scheme} on a {system} system"
                checked.setdefault(path, set()).add(scheme)
                violations: list[dict[str, Any]] = tab.evaluate(RUN, RUN_ON[scheme])
                for violation in violations:
                    if violation["impact"] in FAILING:
                        nodes = violation["nodes"]
                        found.append(
                            f"{violation['impact']} {violation['id']} ({violation['help']}) on /{path} "
                            f"[{language}, {scheme}]: {len(nodes)} nodes, e.g. " + "; ".join(nodes[:3])
                        )
    finally:
        context.close()
    assert not found, f"{len(found)} axe violations:\n" + "\n".join(found)
    assert all(schemes == set(SCHEMES) for schemes in checked.values()), checked
