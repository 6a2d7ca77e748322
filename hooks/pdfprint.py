"""Print the books in Debian's Chromium (Playwright cannot download its own browser here).

One print per book and language of one combined document, so the PDF has one set of fonts,
links inside it and a destination for every chapter and heading. Chromium has no
target-counter(), so the contents' page numbers take two prints: a draft (nothing drawn, same
layout) shows where every target landed (hooks/pdffile.py reads it), the numbers are written
in, and the real print is checked to put every target on the page the contents now name.

One browser prints both languages side by side (Playwright's async API), so two cores are
used; they share the workspace page, where the pages are fetched.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from hooks import pdffile, pdfhtml
from hooks.pdfplan import LANGUAGES, Book, Entry, Language, outline, title_in
from provision.browser import CHROMIUM_ARGS

SCRIPT = (Path(__file__).resolve().parent / "pdfbook.js").read_text(encoding="utf-8")
# Laid out as wide as the printed text (A4 less 2 x 18 mm, in CSS px), so pdfbook.js' fitCode()
# measures code blocks as they will be on paper.
VIEWPORT = {"width": 658, "height": 1000}
SMALLEST_CODE_PT = 6.6  # below this a wide terminal table wraps (marked) instead of shrinking
PASSES = 3  # prints at most: a draft places the targets, the next is the book (a third if it moved)
DRAFT = "body * { visibility: hidden !important; }"  # laid out as ever, but nothing drawn
Progress = Callable[[str], None]
LINKS = {"outside": "printed as text", "missing": "to a chapter start"}  # pdfbook.js' link report


@dataclass(frozen=True)
class Printed:
    """What a book came to; `seconds` is its own time, from assembling to writing."""

    path: Path
    pages: int
    size: int
    seconds: float


@dataclass(frozen=True)
class Session:
    """The browser, the workspace page on the site's origin, and the home page's HTML."""

    browser: Any  # playwright.async_api.Browser
    workspace: Any  # playwright.async_api.Page
    base: str
    shell: str


async def _serve(page: Any, url: str, html: str) -> None:
    """`html` at `url`, beside the site's pages (so its relative URLs hold), without a file."""

    async def fulfill(route: Any) -> None:
        await route.fulfill(body=html, content_type="text/html; charset=utf-8")

    await page.route(url, fulfill)


async def _start(playwright: Any, chromium: str, base: str, site_dir: Path) -> Session:
    browser = await playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
    shell = (site_dir / "index.html").read_text(encoding="utf-8")
    workspace = await browser.new_page()
    await workspace.emulate_media(media="print")  # the pages are read as paper shows them
    await _serve(workspace, f"{base}__workspace.html", pdfhtml.workspace(shell))
    await workspace.goto(f"{base}__workspace.html")
    await workspace.evaluate(SCRIPT)
    return Session(browser, workspace, base, shell)


async def _compose(
    session: Session, book: Book, language: Language, verified: Mapping[str, str], progress: Progress
) -> tuple[str, list[Entry]]:
    """The combined document's HTML, and the contents' entries (also the bookmarks)."""
    arg = {
        "base": session.base,
        "label": language.label,
        "languages": [lang.label for lang in LANGUAGES],
        "chapters": [
            {"url": c.url, "anchor": c.anchor, "title": title_in(c.title, language.code)}
            for c in book.chapters
        ],
    }
    assembled = await session.workspace.evaluate("arg => courseBook.assemble(arg)", arg)
    for kind, links in (
        ("printed as text", assembled["outside"]),
        ("to a chapter start", assembled["missing"]),
    ):
        if links:
            progress(f"{book.file(language)}: links {kind}: {', '.join(sorted(set(links)))}")
    entries = outline(
        book, language, {chapter["anchor"]: chapter["headings"] for chapter in assembled["chapters"]}
    )
    body = (
        pdfhtml.cover(book, language, verified)
        + pdfhtml.contents(language, entries)
        + pdfhtml.chapters(book, {chapter["anchor"]: chapter["html"] for chapter in assembled["chapters"]})
    )
    css = pdfhtml.running_heads(book, language)
    title = title_in(book.title, language.code)
    return pdfhtml.document(session.shell, language=language, title=title, body=body, css=css), entries


async def _open(session: Session, name: str, html: str, progress: Progress) -> Any:
    """The combined document in a page of its own, laid out for paper, code fitted."""
    page = await session.browser.new_page(viewport=VIEWPORT, color_scheme="light")
    await page.emulate_media(media="print")  # before loading: laid out once, as for paper
    await _serve(page, f"{session.base}__{name}.html", html)
    await page.goto(f"{session.base}__{name}.html", wait_until="load")
    await page.evaluate("() => document.fonts.ready.then(() => true)")
    await page.evaluate(SCRIPT)
    if wrapped := await page.evaluate("smallest => courseBook.fitCode(smallest)", SMALLEST_CODE_PT):
        progress(f"{name}: {len(wrapped)} code lines wrap (marked): {wrapped[:3]}")
    return page


async def _draft_places(page: Any) -> dict[str, pdffile.Target]:
    """Where every target lands, from a print that draws no glyph: hidden boxes keep their
    place, and Chromium still writes the destinations (half the time of a real print)."""
    style = await page.add_style_tag(content=DRAFT)
    try:
        return pdffile.targets(await page.pdf(prefer_css_page_size=True))
    finally:
        await style.evaluate("element => element.remove()")


async def _paginate(page: Any, wanted: Sequence[str]) -> tuple[bytes, dict[str, pdffile.Target]]:
    """Print until every contents line names the page its target is on."""
    places = await _draft_places(page)
    for _ in range(PASSES - 1):
        if missing := [target for target in wanted if target not in places]:
            raise PluginError(f"hooks/pdfprint.py: no destination for {missing[:5]} in the print")
        numbers = {target: places[target].page for target in wanted}
        await page.evaluate("numbers => courseBook.setPageNumbers(numbers)", numbers)
        pdf = await page.pdf(prefer_css_page_size=True, print_background=True, tagged=True)
        places = pdffile.targets(pdf)
        if all(places.get(target, pdffile.Target(0, 0)).page == numbers[target] for target in wanted):
            return pdf, places
    raise PluginError(f"hooks/pdfprint.py: the contents' page numbers still moved after {PASSES} prints")


async def print_book(
    session: Session,
    book: Book,
    language: Language,
    verified: Mapping[str, str],
    *,
    author: str,
    out: Path,
    progress: Progress,
) -> Printed:
    """One book in one language, written to `out`/<name>-<lang>.pdf."""
    started = time.monotonic()
    progress(f"printing {book.file(language)} ({len(book.chapters)} pages of the site) ...")
    html, entries = await _compose(session, book, language, verified, progress)
    page = await _open(session, book.file(language), html, progress)
    try:
        pdf, places = await _paginate(page, [entry.target for entry in entries if entry.numbered])
    finally:
        await page.close()
    meta = pdffile.Metadata(
        title=title_in(book.title, language.code),
        author=author,
        subject=language.verified.format(**verified),
        language=language.code,
    )
    data = pdffile.finish(pdf, entries, places, meta)
    path = out / book.file(language)
    path.write_bytes(data)
    return Printed(path, pdffile.page_count(data), len(data), time.monotonic() - started)


async def _print_all(
    books: Sequence[Book],
    *,
    chromium: str,
    base: str,
    site_dir: Path,
    verified: Mapping[str, str],
    author: Callable[[Language], str],
    out: Path,
    progress: Progress,
    written: Callable[[Printed], None],
) -> list[Printed]:
    from playwright.async_api import async_playwright

    async def in_language(session: Session, language: Language) -> list[Printed]:
        printed = []
        for book in books:
            printed.append(
                await print_book(
                    session, book, language, verified, author=author(language), out=out, progress=progress
                )
            )
            written(printed[-1])
        return printed

    async with async_playwright() as playwright:
        session = await _start(playwright, chromium, base, site_dir)
        try:
            done = await asyncio.gather(*(in_language(session, language) for language in LANGUAGES))
        finally:
            await session.browser.close()
    return [printed for language in done for printed in language]


def print_books(
    books: Sequence[Book],
    *,
    chromium: str,
    base: str,
    site_dir: Path,
    verified: Mapping[str, str],
    author: Callable[[Language], str],
    out: Path,
    progress: Progress,
    written: Callable[[Printed], None],
) -> list[Printed]:
    """Every book in every language, the languages side by side; `written` hears of each book
    as soon as it is on disk."""
    return asyncio.run(
        _print_all(
            books,
            chromium=chromium,
            base=base,
            site_dir=site_dir,
            verified=verified,
            author=author,
            out=out,
            progress=progress,
            written=written,
        )
    )


def describe(printed: Printed) -> str:
    return f"{printed.path} ({printed.pages} pages, {printed.size / 1e6:.1f} MB) in {printed.seconds:.1f} s"
