"""The payoff of lectures 22 and 23, photographed: the goals app in a real browser, served by its container.

The screenshot both pages show (docs/assets/screenshots/goals-app.png) is taken here, from the
image they build from goals-app, after storing a goal through the form as a learner does (lecture 22
runs the image by its tag, lecture 23 by its ID: the same image, the same page). A run compares
a fresh screenshot with the committed one (pixels, in the same browser); `--update-docs` writes
the fresh one instead, like it rewrites the pages' transcripts.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.goals_container import Container, goals_container, goals_image

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.docker

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "assets" / "screenshots" / "goals-app.png"
VIEWPORT = {"width": 720, "height": 420}
GOAL = "Learn Docker"
# Share of pixels allowed to differ visibly (> 32 of 255 in a channel): anti-aliasing may move a
# glyph's edge between machines; another goal of the same length already changes 0.7 %.
TOLERANCE = 0.002

COMPARE = """async ([a, b]) => {
  const load = (src) => new Promise((ok, fail) => {
    const image = new Image(); image.onload = () => ok(image); image.onerror = fail; image.src = src;
  });
  const [x, y] = await Promise.all([load(a), load(b)]);
  if (x.width !== y.width || x.height !== y.height)
    return {size: [x.width, x.height, y.width, y.height], differing: 1};
  const pixels = (image) => {
    const canvas = document.createElement("canvas");
    canvas.width = image.width; canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, image.width, image.height).data;
  };
  const p = pixels(x), q = pixels(y);
  let differing = 0;
  for (let k = 0; k < p.length; k += 4) {
    const d = Math.max(Math.abs(p[k] - q[k]), Math.abs(p[k + 1] - q[k + 1]), Math.abs(p[k + 2] - q[k + 2]));
    if (d > 32) differing += 1;
  }
  return {size: [x.width, x.height], differing: differing / (p.length / 4)};
}"""


@pytest.fixture(scope="module")
def app(docker_engine: None) -> Iterator[Container]:
    with goals_image() as image, goals_container(image) as running:
        yield running


def take_screenshot(browser: Browser, app: Container, goal: str = GOAL) -> bytes:
    """What a learner sees after storing a goal at http://localhost:3000 (lecture 22)."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, color_scheme="light")
    try:
        page = context.new_page()
        page.goto(app.url)
        page.fill("#goal", goal)
        with page.expect_navigation():
            page.click("form button")
        assert (page.locator("h2").first.text_content() or "").strip() == "My Course Goal", page.content()
        assert goal in page.inner_text("body")
        return page.screenshot()
    finally:
        context.close()


def compare(browser: Browser, fresh: bytes, committed: bytes) -> dict[str, Any]:
    page = browser.new_page()
    try:
        urls = [f"data:image/png;base64,{base64.b64encode(png).decode()}" for png in (fresh, committed)]
        return dict(page.evaluate(COMPARE, urls))
    finally:
        page.close()


def test_the_screenshot_the_lectures_show_is_the_app_as_the_browser_draws_it(
    browser: Browser, app: Container, request: pytest.FixtureRequest
) -> None:
    fresh = take_screenshot(browser, app)
    assert f"Stored goal: {GOAL}" in app.logs(), "the terminal running the container shows each stored goal"
    if request.config.getoption("update_docs", default=False) or not SCREENSHOT.exists():
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(fresh)
        if not request.config.getoption("update_docs", default=False):
            pytest.fail(f"{SCREENSHOT} was missing; it is written now: review and commit it")
        return
    result = compare(browser, fresh, SCREENSHOT.read_bytes())
    assert result["differing"] <= TOLERANCE, (
        f"{SCREENSHOT.relative_to(SCREENSHOT.parents[3])} no longer shows the app as it looks: "
        f"{result['differing']:.1%} of its pixels differ (size {result['size']}); if the change is "
        "intended, rerun with --update-docs and commit the new screenshot"
    )


def test_the_comparison_sees_a_different_goal(browser: Browser, app: Container) -> None:
    other = take_screenshot(browser, app, goal="Ship my image")
    take_screenshot(browser, app)  # the app shows the lecture's goal again
    assert compare(browser, other, SCREENSHOT.read_bytes())["differing"] > TOLERANCE


def test_a_page_shows_the_screenshot_only_after_it_runs_the_app_on_a_published_port() -> None:
    """The picture is the page's own step: it follows a `docker run -p …:80` the page executes."""
    docs = SCREENSHOT.parents[2]
    pages = docs.rglob("*.md")
    image = f"/screenshots/{SCREENSHOT.name})"  # ![…](../assets/screenshots/goals-app.png)
    showing = sorted(page for page in pages if image in page.read_text(encoding="utf-8"))
    assert [page.name for page in showing] == ["22-dockerfile.md", "23-own-image-container.md"]
    for page in showing:
        text = page.read_text(encoding="utf-8")
        before = text[: text.index(image)]
        runs = re.findall(r"^\$ docker run (?:.* )?-p (\S+):80 \S+$", before, re.M)
        where = page.relative_to(docs.parent)
        assert runs, f"{where} shows the app before any `docker run -p …:80` of its own"
