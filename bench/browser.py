"""`make bench ARGS=browser`: CPU of the browser the tests drive. The accessibility walk of
tests/test_site_every_page.py (axe in both colour schemes) over the first pages of the built
site, once in Debian's Chromium and once in its headless shell, alternating, each walk in a
process of its own, counted as the machine's busy CPU while it runs (Python, Playwright's
driver, every browser process): run it on an idle machine.

Run as `python -m bench.browser EXECUTABLE SITE PAGES` it does one walk.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from hooks.site_server import serve_gzip
from hooks.sitebuild import mkdocs_build
from provision.browser import HEADLESS_ARGS, HEADLESS_SHELL, chromium_path

REPO = Path(__file__).resolve().parent.parent
PAGES = 12  # the home page, the glossary and the first lectures: long and short pages
ROUNDS = 2
Row = tuple[str, str, str]


def walk(executable: str, site: Path, count: int) -> None:
    """axe on the first `count` pages, as the test's walk runs it (Korean, light system)."""
    from playwright.sync_api import sync_playwright

    from hooks.vendor_assets import npm_file
    from tests.site_pages import site_pages
    from tests.test_site_every_page import AXE, DESKTOP, Walk, check_axe

    axe = npm_file(*AXE)
    with serve_gzip(str(site)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=list(HEADLESS_ARGS))
        context = browser.new_context(color_scheme="light", viewport=DESKTOP)
        tab = context.new_page()
        found = Walk("ko")
        for number, path in enumerate(site_pages(site)[:count]):
            tab.goto(base + path)
            tab.add_script_tag(path=str(axe))
            check_axe(tab, path, found, first=number == 0)
        browser.close()
    if len(found.schemes) != count:
        raise SystemExit(f"bench browser: walked {len(found.schemes)} pages, not {count}")


def _busy() -> float:
    """CPU seconds the machine has been busy (/proc/stat): a browser's renderers are not the
    walk's children once it ends, so the walk's own rusage misses them."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def _walk_cpu(executable: str, site: Path) -> float:
    before = _busy()
    subprocess.run(
        [sys.executable, "-m", "bench.browser", executable, str(site), str(PAGES)],
        cwd=REPO,
        check=True,
        timeout=900,
    )
    return _busy() - before


def browser_cpu() -> list[Row]:
    chromium, shell = chromium_path(), shutil.which(HEADLESS_SHELL)
    if chromium is None or shell is None:
        raise SystemExit("bench browser: needs chromium and its headless shell: python -m provision browser")
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as folder:
        site = Path(folder) / "site"
        build = mkdocs_build(site)
        if build.returncode != 0:
            raise SystemExit(f"bench browser: mkdocs build failed:\n{build.stderr[-3000:]}")
        full: list[float] = []
        headless: list[float] = []
        for _ in range(ROUNDS):
            full.append(_walk_cpu(chromium, site))
            headless.append(_walk_cpu(shell, site))
    a, b = statistics.median(full), statistics.median(headless)
    what = f"axe walk, {PAGES} pages x 2 schemes (median of {ROUNDS})"
    return [
        (f"{what}, Chromium", f"{a:.1f} CPU-s", ""),
        (f"{what}, Chromium's headless shell", f"{b:.1f} CPU-s", f"{1 - b / a:.0%} less CPU"),
    ]


if __name__ == "__main__":
    walk(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
