"""What the offline books hold: which nav pages, in which order, under which titles.

Plain Python over MkDocs' navigation (no browser): hooks/pdfprint.py prints what this plans.
The learner's books take every nav page, so a page added to the nav (a lecture, a practice
solution) is in the books without touching this file; the maintainers' pages, which are kept
out of the learners' nav, make books of their own from mkdocs.yml's `extra.maintainers` list
(hooks/maintainer_pages.py reads it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from hooks.titles import Bilingual, nav_title, title_in

__all__ = [
    "LANGUAGES",
    "Bilingual",
    "Book",
    "Chapter",
    "Entry",
    "Language",
    "outline",
    "plan_books",
    "title_in",
]


@dataclass(frozen=True)
class Language:
    """One edition's language and the few words the book adds around the pages."""

    code: str  # "ko": <html lang>, PDF /Lang, file names
    label: str  # the tab label of its blocks on the pages: "한국어"
    contents: str  # the table of contents' title
    edition: str  # "{date}" is the date the examples were verified
    verified: str  # fields of hooks.verified_with.load()
    other: str  # points to the other language's book ("{file}")
    subtitle: str


LANGUAGES = (
    Language(
        code="ko",
        label="한국어",
        contents="차례",
        edition="{date} 판",
        verified=(
            "이 책의 모든 명령과 출력은 Docker Engine {engine}, BuildKit(buildx {buildx}), "
            "Node.js {node}로 실행해 확인했습니다."
        ),
        other="English edition: {file}",
        subtitle="Docker 강의 노트 · 오프라인판",
    ),
    Language(
        code="en",
        label="English",
        contents="Contents",
        edition="Edition of {date}",
        verified=(
            "Every command and output in this book was verified with Docker Engine {engine}, "
            "BuildKit (buildx {buildx}) and Node.js {node}."
        ),
        other="Korean edition: {file}",
        subtitle="Docker course notes · offline edition",
    ),
)


@dataclass(frozen=True)
class Chapter:
    """A nav page printed as a chapter; `section` is the nav section it sits in, if any."""

    url: str  # the page's URL in the site, "lectures/20-external-images/"
    title: Bilingual  # its nav title (hooks/titles.py: the page's front matter, or mkdocs.yml's)
    section: Bilingual | None

    @property
    def anchor(self) -> str:
        """The chapter's id in the combined document (and its PDF destination name)."""
        return re.sub(r"[^a-z0-9]+", "-", self.url.lower()).strip("-") or "home"


@dataclass(frozen=True)
class Book:
    """One book: the file name's stem ("course", "maintainers") and its chapters in nav order."""

    name: str
    title: Bilingual
    chapters: tuple[Chapter, ...]

    def file(self, language: Language) -> str:
        return f"{self.name}-{language.code}.pdf"


def _chapters(items: list, section: Bilingual | None, english: dict[str, str]) -> list[Chapter]:
    """The nav's pages in order; pages in nested sections count as their top section's."""
    found: list[Chapter] = []
    for item in items:
        if isinstance(item, Page):
            found.append(Chapter(item.url, nav_title(item, english), section))
        elif isinstance(item, Section):
            found += _chapters(item.children, section or nav_title(item, english), english)
    return found


def plan_books(
    nav: Navigation,
    site_name: Bilingual,
    english: dict[str, str],
    maintainers: Sequence[tuple[Bilingual, str]] = (),
    section: Bilingual | None = None,
) -> tuple[Book, ...]:
    """The learner's book (the nav's pages) and the maintainers' book, if any: `maintainers`
    are its pages' (title, url) in order, `section` its title ("유지보수" / "Maintainers");
    `english` is mkdocs.yml's catalog (hooks/titles.py) for the nav's section titles."""
    learner = _chapters(nav.items, None, english)
    title = Bilingual(
        *(f"{site_name.in_(code)} — {section.in_(code)}" if section else "" for code in ("ko", "en"))
    )
    books = (
        Book("course", site_name, tuple(learner)),
        Book("maintainers", title, tuple(Chapter(url, title, None) for title, url in maintainers)),
    )
    return tuple(book for book in books if book.chapters)


@dataclass(frozen=True)
class Entry:
    """A line of the table of contents and a bookmark: a nav section, a chapter or a heading."""

    title: str  # in the edition's language
    target: str  # the id it links to in the combined document
    level: int  # nesting: 0 at the top, one deeper per parent
    kind: str  # "section" (no page of its own: its first chapter's), "chapter" or "heading"

    @property
    def numbered(self) -> bool:
        return self.kind != "section"


def outline(book: Book, language: Language, headings: dict[str, list[tuple[str, str]]]) -> list[Entry]:
    """Contents and bookmarks in nav order: [section →] chapter → its h2 headings (id, text)."""
    entries: list[Entry] = []
    current: Bilingual | None = None
    for chapter in book.chapters:
        if chapter.section and chapter.section != current:
            entries.append(Entry(title_in(chapter.section, language.code), chapter.anchor, 0, "section"))
        current = chapter.section
        depth = 1 if chapter.section else 0
        entries.append(Entry(title_in(chapter.title, language.code), chapter.anchor, depth, "chapter"))
        entries += [
            Entry(text, target, depth + 1, "heading") for target, text in headings.get(chapter.anchor, [])
        ]
    return entries
