"""The offline books (`make pdf`), read as a reader's PDF viewer reads them.

course-<lang>.pdf is the learner's course in one language (home, module overview, lectures,
glossary), maintainers-<lang>.pdf the maintainers' pages (`extra.maintainers`, off the nav).
Their bookmarks, contents, page numbers, links, metadata, text and fonts are read with pypdf
and poppler's pdftotext/pdffonts (installed with Chromium by provision/browser.py); text is
compared NFKC-normalised.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from docstest.ci import unavailable
from hooks.pdfplan import LANGUAGES, title_in
from hooks.titles import Bilingual, TitleError, catalog, named, page_title
from hooks.verified_with import load
from provision.browser import CODE_FONT, FONTS, PDF_TOOL, TEXT_FONT, Font
from tests.helpers import mkdocs_build, require_chromium, require_fonts

REPO = Path(__file__).resolve().parent.parent
CODES = [language.code for language in LANGUAGES]
BOOKS = [f"{name}-{code}" for name in ("course", "maintainers") for code in CODES]
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")  # "AAAAAA+NotoSansCJKkr-Regular": a subset of the font
HANGUL_WORD = r"[\uac00-\ud7a3]+"
KOREAN_SENTENCE = re.compile(rf"{HANGUL_WORD}(?:[\s,]+{HANGUL_WORD}){{2,}}")  # three Korean words in a row
# Tagged (accessible) PDFs with their fonts embedded: about 55-60 KB a page (1.8 MB for the 33 pages
# of lectures 18-22, 5.1 MB for the 87 of 18-31). The bar follows the course's length, per page.
MAX_BYTES_PER_PAGE = 70_000


def require_poppler() -> None:
    if shutil.which(PDF_TOOL) is None or shutil.which("pdftotext") is None:
        unavailable("no poppler-utils (pdffonts, pdftotext); run `make images`, which installs them as root")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder the build wrote the books to."""
    require_chromium()
    require_fonts()
    require_poppler()
    site = tmp_path_factory.mktemp("pdf-site")
    build = mkdocs_build(site, pdf=True)
    assert build.returncode == 0, build.stderr[-3000:]
    assert "PDF: wrote" in build.stderr  # `make pdf` says what it wrote
    return site / "pdf"


@pytest.fixture(scope="module")
def readers(built: Path) -> dict[str, PdfReader]:
    return {book: PdfReader(built / f"{book}.pdf") for book in BOOKS}


@pytest.fixture(scope="module")
def pages(built: Path) -> dict[str, list[str]]:
    """Each book's text, page by page (pdftotext; pypdf takes half a minute a book)."""
    found = {}
    for book in BOOKS:
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(built / f"{book}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found[book] = text.split("\f")[:-1]
    return found


@dataclass(frozen=True)
class Word:
    x: float  # centre, in points from the page's left and top edges
    y: float
    text: str


@dataclass(frozen=True)
class Sheet:
    """A page's words, split by where they sit: top margin, text area, bottom margin."""

    height: float
    words: list[Word]

    def _within(self, low: float, high: float) -> str:
        return " ".join(word.text for word in self.words if low <= word.y < high)

    @property
    def head(self) -> str:
        return self._within(0, HEAD_BELOW)

    @property
    def body(self) -> str:
        return self._within(HEAD_BELOW, self.height - FOOT_ABOVE)

    @property
    def foot(self) -> str:
        return self._within(self.height - FOOT_ABOVE, self.height)


HEAD_BELOW = 52.0  # the top margin is 20 mm (56.7 pt); poppler puts CJK fonts' word boxes a little low
FOOT_ABOVE = 40.0  # the bottom margin is 18 mm (51 pt), the page number sits in its middle
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@pytest.fixture(scope="module")
def sheets(built: Path) -> dict[str, list[Sheet]]:
    """Each book's words with their places (pdftotext -bbox), page by page."""
    found = {}
    for book in BOOKS:
        bbox = subprocess.run(
            ["pdftotext", "-bbox", str(built / f"{book}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found[book] = [
            Sheet(
                float(height),
                [
                    Word((float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2, html.unescape(text))
                    for x0, y0, x1, y1, text in WORD.findall(page)
                ],
            )
            for height, page in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', bbox, re.S)
        ]
    return found


def comparable(text: str) -> str:
    """Text as the tests compare it, without what PDF text extraction legitimately varies.

    NFKC folds compatibility characters (a ligature glyph such as U+FB01 "ﬁ", full-width
    forms) into plain letters; white space goes because extraction spaces runs unevenly.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# -- what the books should hold: the nav of mkdocs.yml ----------------------------------------


class _NavLoader(yaml.SafeLoader):
    """mkdocs.yml's nav without MkDocs (its !!python/name tags are not needed here)."""


_NavLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def mkdocs_config() -> dict[str, Any]:
    return dict(yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_NavLoader))


def entry_title(entry: str | dict[str, Any], english: dict[str, str]) -> Bilingual:
    """A nav entry's titles, as hooks/titles.py's nav_title() reads them: a bare page path names
    itself (its front matter), a titled entry or section by mkdocs.yml's `extra.english`."""
    if isinstance(entry, str):
        return page_title(REPO / "docs" / entry)
    return named(next(iter(entry)), english)


def nav_entries(book: str, code: str) -> list[tuple[str, list[str]]]:
    """(title, titles of its pages) for each top-level entry of `book`, in `code`'s language: the
    nav for the course, `extra.maintainers` (pages kept out of the nav) for the maintainers."""
    config = mkdocs_config()
    english = catalog(config["extra"])
    if book == "maintainers":
        pages = config["extra"]["maintainers"]["pages"]  # docs/ paths; each page names itself
        return [(title_in(page_title(REPO / "docs" / path), code), []) for path in pages]
    entries = []
    for item in config["nav"]:
        value = item if isinstance(item, str) else next(iter(item.values()))
        children = (
            [title_in(entry_title(page, english), code) for page in value] if isinstance(value, list) else []
        )
        entries.append((title_in(entry_title(item, english), code), children))
    return entries


@dataclass
class Bookmark:
    title: str
    page: int  # 1-based
    top: float
    children: list[Bookmark] = field(default_factory=list)


def bookmarks(reader: PdfReader, outline: list[Any] | None = None) -> list[Bookmark]:
    found: list[Bookmark] = []
    for node in reader.outline if outline is None else outline:
        if isinstance(node, list):
            found[-1].children = bookmarks(reader, node)
        else:
            found.append(
                Bookmark(node.title, reader.get_destination_page_number(node) + 1, float(node.top or 0))
            )
    return found


def chapters(reader: PdfReader, book: str) -> list[Bookmark]:
    """The bookmarks of nav pages (inside nav sections too), in order."""
    sections = {title for title, children in nav_entries(book, "en") + nav_entries(book, "ko") if children}
    found = []
    for mark in bookmarks(reader):
        found += mark.children if mark.title in sections else [mark]
    return found


# -- structure: nav, contents, pages ----------------------------------------------------------


@pytest.mark.parametrize("book", BOOKS)
def test_bookmarks_follow_the_nav_in_the_books_language(readers: dict[str, PdfReader], book: str) -> None:
    name, code = book.rsplit("-", 1)
    marks = bookmarks(readers[book])
    expected = nav_entries(name, code)
    assert [mark.title for mark in marks] == [title for title, _ in expected]
    for mark, (_, children) in zip(marks, expected, strict=True):
        if children:  # a nav section: its pages, each with its headings below it
            assert [child.title for child in mark.children] == children
            assert mark.page == mark.children[0].page
    marks = chapters(readers[book], name)
    assert sum(len(mark.children) for mark in marks) > len(marks)  # the chapters' headings below them


def test_the_learners_books_hold_no_maintainer_page(pages: dict[str, list[str]]) -> None:
    for code in CODES:
        text = comparable("".join(pages[f"course-{code}"]))
        for title, _ in nav_entries("maintainers", code):
            assert comparable(title) not in text, (code, title)
        assert "docstest" not in text  # the author's guide's subject


def contents_lines(reader: PdfReader, sheets: list[Sheet], first_chapter: int) -> list[tuple[str, int, int]]:
    """(title, printed number, page its link goes to) for each linked line of the contents,
    the pages between the cover and the first chapter."""
    destinations = {
        str(name).lstrip("/"): reader.get_destination_page_number(dest) + 1
        for name, dest in reader.named_destinations.items()
    }
    found = []
    for number in range(2, first_chapter):
        sheet = sheets[number - 1]
        for annotation in reader.pages[number - 1].get("/Annots") or []:
            link = annotation.get_object()
            if "/Dest" not in link:
                continue
            x0, y0, x1, y1 = (float(value) for value in link["/Rect"])  # from the bottom edge
            inside = [
                word.text
                for word in sheet.words
                if x0 <= word.x <= x1 and sheet.height - y1 <= word.y <= sheet.height - y0
            ]
            assert inside and inside[-1].isdigit(), (number, inside)
            found.append(
                (" ".join(inside[:-1]), int(inside[-1]), destinations[str(link["/Dest"]).lstrip("/")])
            )
    return found


@pytest.mark.parametrize("book", BOOKS)
def test_every_contents_line_names_the_page_its_bookmark_points_to(
    readers: dict[str, PdfReader], sheets: dict[str, list[Sheet]], book: str
) -> None:
    reader = readers[book]
    marks = chapters(reader, book.rsplit("-", 1)[0])
    flat = [(mark.title, mark.page) for chapter in marks for mark in [chapter, *chapter.children]]
    contents = contents_lines(reader, sheets[book], marks[0].page)
    assert [(comparable(title), number) for title, number, _ in contents] == [
        (comparable(title), page) for title, page in flat
    ]
    assert all(number == target for _, number, target in contents)


@pytest.mark.parametrize("book", BOOKS)
def test_chapters_start_a_page_under_their_running_head(
    readers: dict[str, PdfReader], sheets: dict[str, list[Sheet]], book: str
) -> None:
    marks = chapters(readers[book], book.rsplit("-", 1)[0])
    height = float(readers[book].pages[0].mediabox.height)
    ends = [mark.page - 1 for mark in marks[1:]] + [len(sheets[book])]
    for mark, end in zip(marks, ends, strict=True):
        assert mark.top > height - 80, (mark.title, mark.top)  # at the top of its page
        assert comparable(sheets[book][mark.page - 1].body).startswith(comparable(mark.title)), mark.title
        for number in range(mark.page, end + 1):
            assert comparable(sheets[book][number - 1].head) == comparable(mark.title), (mark.title, number)


@pytest.mark.parametrize("book", BOOKS)
def test_every_page_but_the_cover_is_numbered_and_none_is_blank(
    sheets: dict[str, list[Sheet]], book: str
) -> None:
    total = len(sheets[book])
    assert not sheets[book][0].foot  # the cover
    for number, sheet in enumerate(sheets[book][1:], 2):
        assert sheet.foot == f"{number} / {total}", number
        assert sheet.body.strip(), f"page {number} is blank"


# -- cover, metadata, links -------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_the_cover_names_the_edition_and_what_the_examples_ran_on(
    pages: dict[str, list[str]], code: str
) -> None:
    cover = comparable(pages[f"course-{code}"][0])
    data = load()
    for value in (data["date"], data["engine"], data["buildx"], data["node"]):
        assert value in cover, value
    config = mkdocs_config()
    assert comparable(title_in(named(config["site_name"], catalog(config["extra"])), code)) in cover


@pytest.mark.parametrize("book", BOOKS)
def test_title_author_language_tags_and_opening_view(readers: dict[str, PdfReader], book: str) -> None:
    reader = readers[book]
    code = book.rsplit("-", 1)[1]
    config = mkdocs_config()
    english = catalog(config["extra"])
    meta = reader.metadata
    assert (
        meta is not None
        and meta.title
        and meta.author == title_in(named(config["site_author"], english), code)
    )
    if book.startswith("course-"):
        assert meta.title == title_in(named(config["site_name"], english), code)
    assert reader.root_object["/Lang"] == code
    assert reader.root_object["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in reader.root_object
    assert reader.page_mode == "/UseOutlines"


@pytest.mark.parametrize("book", BOOKS)
def test_links_jump_inside_the_book_or_to_the_web(readers: dict[str, PdfReader], book: str) -> None:
    reader = readers[book]
    names = {str(name).lstrip("/") for name in reader.named_destinations}
    internal, external = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if "/Dest" in link:
                internal.append(str(link["/Dest"]).lstrip("/"))
            elif "/A" in link and "/URI" in link["/A"]:
                external.append(str(link["/A"]["/URI"]))
    assert not [uri for uri in external if re.search(r"//(127\.0\.0\.1|localhost)\b", uri)]
    assert set(internal) <= names and len(internal) >= 20
    if book.startswith("course-"):
        assert "https://hub.docker.com/_/node" in external


@pytest.mark.parametrize("book", BOOKS)
def test_books_stay_small(built: Path, pages: dict[str, list[str]], book: str) -> None:
    size, count = (built / f"{book}.pdf").stat().st_size, len(pages[book])
    assert size <= MAX_BYTES_PER_PAGE * count, f"{book}.pdf: {size // count // 1000} KB a page, {count} pages"


# -- text: one language, no web chrome ----------------------------------------------------------


def test_each_book_holds_its_language_only(pages: dict[str, list[str]]) -> None:
    text = {code: comparable("".join(pages[f"course-{code}"])) for code in CODES}
    # a Korean heading of lecture 20 and its English counterpart
    korean, english = "컨테이너는격리되어있습니다", "Containersareisolated"
    assert korean in text["ko"] and english not in text["ko"]
    assert english in text["en"] and korean not in text["en"]


@pytest.mark.parametrize("name", ["course", "maintainers"])
def test_no_korean_sentence_in_the_english_prose(pages: dict[str, list[str]], name: str) -> None:
    """Code, outputs and diagrams are shared (identical lines in both books); what is English
    only may name a Korean word (a glossary pair, a quoted term) but holds no Korean sentence."""
    korean = {unicodedata.normalize("NFKC", line) for line in lines("".join(pages[f"{name}-ko"]))}
    assert sum(bool(KOREAN_SENTENCE.search(line)) for line in korean) > 50
    english_only = [
        line
        for line in map(lambda text: unicodedata.normalize("NFKC", text), lines("".join(pages[f"{name}-en"])))
        if line not in korean
    ]
    assert not [line for line in english_only if KOREAN_SENTENCE.search(line)]


@pytest.mark.parametrize("book", BOOKS)
def test_no_tab_labels_buttons_or_permalinks_in_the_text(pages: dict[str, list[str]], book: str) -> None:
    text = "\n".join(pages[book])
    assert not {"한국어", "English"} & set(lines(text))  # a tab bar would stand alone on its line
    for chrome in (
        "Copy to clipboard",
        "클립보드로 복사",
        "¶",
        "🌐",
        "Skip to content",
        "Made with Material",
    ):
        assert chrome not in text, chrome
    assert not re.search("[\ufb00-\ufb06]", text)  # no ligature glyph in the text layer


def test_pdfs_keep_the_shared_commands_and_the_page_order(
    readers: dict[str, PdfReader], pages: dict[str, list[str]]
) -> None:
    for code in CODES:
        assert "dockerrun-itnode" in comparable("".join(pages[f"course-{code}"]))
        starts = [mark.page for mark in chapters(readers[f"course-{code}"], "course")]
        assert len(starts) >= 8 and starts == sorted(set(starts))  # nav order, a page of its own each


# -- fonts --------------------------------------------------------------------------------------


def embedded_fonts(reader: PdfReader) -> set[str]:
    """The PostScript names of the fonts a PDF embeds, without subset tags.

    Chromium embeds CFF fonts (Noto CJK) as Type3 fonts, which have no /BaseFont: their
    name is in the font descriptor.
    """
    names = set()
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            name = font.get("/BaseFont") or font["/FontDescriptor"]["/FontName"]
            names.add(SUBSET_TAG.sub("", str(name).lstrip("/")))
    return names


def named_font(postscript_name: str) -> Font | None:
    """The course font (provision/browser.py) a PostScript name belongs to, if any."""
    flat = postscript_name.lower()
    return next((font for font in FONTS if flat.startswith(font.family.replace(" ", "").lower())), None)


@pytest.mark.parametrize("book", BOOKS)
def test_pdfs_embed_only_the_fonts_the_project_installs(
    readers: dict[str, PdfReader], built: Path, book: str
) -> None:
    embedded = embedded_fonts(readers[book])
    strangers = sorted(name for name in embedded if named_font(name) is None)
    assert not strangers, (
        f"{book}.pdf: fontconfig fell back to {strangers}; name such a font in course.css "
        "and in FONTS of provision/browser.py, or leave out the glyphs it was needed for"
    )
    families = {named_font(name) for name in embedded}
    assert TEXT_FONT in families and CODE_FONT in families, sorted(embedded)
    listing = subprocess.run(
        [PDF_TOOL, str(built / f"{book}.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    emb = [row.split()[-5] for row in listing]  # name, type..., emb, sub, uni, object, generation
    assert emb and set(emb) == {"yes"}, listing


# -- titles, without a browser ------------------------------------------------------------------


def test_titles_are_written_once_per_language_and_a_missing_one_is_named() -> None:
    title = page_title(REPO / "docs" / "lectures" / "18-module-intro.md")
    assert (title_in(title, "ko"), title_in(title, "en")) == ("18. 모듈 소개", "18. Module introduction")
    english = catalog(mkdocs_config()["extra"])
    assert title_in(named("강의", english), "en") == "Lectures"
    with pytest.raises(TitleError, match=re.escape("'모듈' has no English in `extra.english`")):
        named("모듈", english)
