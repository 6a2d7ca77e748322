"""MkDocs hook: the offline books (`make pdf`, or COURSE_PDF=1), site/pdf/course-ko.pdf and
course-en.pdf for learners, maintainers-ko.pdf and maintainers-en.pdf for the maintainers' section.

Each is one print of one combined document in Debian's Chromium: a cover with the versions
the examples were verified with, contents with page numbers, a chapter per nav page, bookmarks,
links inside the book (hooks/pdfplan.py plans, pdfhtml.py and pdfbook.js assemble,
pdfprint.py prints, pdffile.py finishes). Without COURSE_PDF=1 the hook only reads the nav,
so `make serve` stays fast.
"""

from __future__ import annotations

import functools
import http.server
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

# MkDocs loads this hook by path; hooks.* and provision are the installed project's packages
from hooks.pdfplan import Book, plan_books, title_in

log = logging.getLogger("mkdocs.hooks.pdf")
_books: list[Book] = []  # planned from the nav in on_nav, printed in on_post_build


def enabled() -> bool:
    return os.environ.get("COURSE_PDF", "") == "1"


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _books[:] = plan_books(nav, config["site_name"])
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
    from hooks import pdfprint
    from hooks.verified_with import load
    from provision.browser import chromium_path

    chromium = chromium_path()
    if chromium is None:
        raise PluginError(
            "hooks/pdf.py: COURSE_PDF=1 needs Chromium; run `make images` (installs Debian's chromium)."
        )
    site = Path(config["site_dir"])
    out = site / "pdf"
    out.mkdir(exist_ok=True)
    author = config.get("site_author") or ""
    started = time.monotonic()
    with serve_folder(str(site)) as base:
        printed = pdfprint.print_books(
            _books,
            chromium=chromium,
            base=base,
            site_dir=site,
            verified=load(),
            author=lambda language: title_in(author, language.code),
            out=out,
            progress=lambda message: log.info("PDF: %s", message),
            written=lambda book: log.info(
                "PDF: wrote %s, %.1f s into the PDF step", pdfprint.describe(book), time.monotonic() - started
            ),
        )
    log.info(
        "PDF: %d books (%s) in %.1f s, in %s",
        len(printed),
        ", ".join(book.path.name for book in printed),
        time.monotonic() - started,
        out,
    )
