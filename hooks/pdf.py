"""MkDocs hook: the offline books (`make pdf`, or COURSE_PDF=1), site/pdf/course-ko.pdf and
course-en.pdf for learners, maintainers-ko.pdf and maintainers-en.pdf for the maintainers' section.

Each is one print of one combined document in Debian's Chromium: a cover with the versions
the examples were verified with, contents with page numbers, a chapter per nav page, bookmarks,
links inside the book (hooks/pdfplan.py plans, pdfhtml.py and pdfbook.js assemble,
pdfprint.py prints, pdffile.py finishes). Without COURSE_PDF=1 the hook only reads the nav,
so `make serve` stays fast.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

# MkDocs loads this hook by path; hooks.* and provision are the installed project's packages
from hooks import maintainer_pages
from hooks.pdfplan import Book, plan_books, title_in
from hooks.site_server import serve_gzip as serve_folder  # the site's one static server
from hooks.titles import catalog, named, page_title

log = logging.getLogger("mkdocs.hooks.pdf")
_books: list[Book] = []  # planned in on_env (pages have read their titles), printed in on_post_build
_nav: list[Navigation] = []


def enabled() -> bool:
    return os.environ.get("COURSE_PDF", "") == "1"


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _nav[:] = [nav]
    return nav


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    """Plan the books once every page has read its front matter (its titles: hooks/titles.py)."""
    english = catalog(config["extra"])
    section, _ = maintainer_pages.listed(config)
    docs = Path(config["docs_dir"])
    pages = [
        (page_title(docs / page.path, f"docs/{page.path}"), page.url)
        for page in maintainer_pages.resolve(config, files)
    ]
    site_name = named(config["site_name"], english)
    _books[:] = plan_books(_nav[0], site_name, english, pages, named(section, english))
    return env


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
    author = named(config.get("site_author") or "", catalog(config["extra"]))
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
