"""MkDocs hook: an offline PDF of the course per language (`make pdf`, or COURSE_PDF=1).

After the build, each page is opened in Debian's Chromium (driven by Playwright, which
cannot download its own browser here), switched to one language, printed, and the pages
are merged in navigation order with pypdf: site/pdf/course-ko.pdf and course-en.pdf.
Without COURSE_PDF=1 the hook does nothing, so `make serve` stays fast.
"""

from __future__ import annotations

import functools
import http.server
import logging
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

log = logging.getLogger("mkdocs.hooks.pdf")
REPO = Path(__file__).resolve().parent.parent

LANGUAGES = {"ko": "한국어", "en": "English"}
_pages: list[str] = []  # page URLs in navigation order, from on_nav


def enabled() -> bool:
    return os.environ.get("COURSE_PDF", "") == "1"


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _pages[:] = [page.url for page in nav.pages]
    return nav


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # one line per file is noise here
        pass


@contextmanager
def serve_folder(folder: str) -> Iterator[str]:
    """Serve `folder` on a free loopback port (also used by the browser tests)."""
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


def on_post_build(config: MkDocsConfig) -> None:
    if not enabled():
        return
    from playwright.sync_api import sync_playwright
    from pypdf import PdfWriter

    sys.path.insert(0, str(REPO))  # MkDocs loads hooks by path; provision/ sits beside hooks/
    from provision.browser import chromium_path

    chromium = chromium_path()
    if chromium is None:
        raise PluginError(
            "hooks/pdf.py: COURSE_PDF=1 needs Chromium; run `make images` (installs Debian's chromium)."
        )
    out = Path(config["site_dir"]) / "pdf"
    out.mkdir(exist_ok=True)
    with (
        serve_folder(config["site_dir"]) as base,
        sync_playwright() as playwright,
        tempfile.TemporaryDirectory() as tmp,
    ):
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        try:
            for code, label in LANGUAGES.items():
                writer = PdfWriter()
                page = browser.new_context().new_page()
                for index, url in enumerate(_pages):
                    page.goto(base + url, wait_until="networkidle")
                    page.evaluate(
                        """label => { for (const l of document.querySelectorAll('.tabbed-labels > label'))
                                       if (l.textContent.trim() === label) l.click(); }""",
                        label,
                    )
                    page.emulate_media(media="print")
                    part = Path(tmp) / f"{code}-{index:03}.pdf"
                    page.pdf(
                        path=str(part),
                        format="A4",
                        print_background=True,
                        margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                    )
                    writer.append(str(part))
                target = out / f"course-{code}.pdf"
                with target.open("wb") as handle:
                    writer.write(handle)
                log.info("PDF (%s): %s, %d pages of the site", label, target, len(_pages))
        finally:
            browser.close()
