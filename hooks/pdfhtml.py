"""The combined document a book is printed from: cover, contents, chapters, in one HTML page.

The page has the site's stylesheets (taken from the built home page, with its palette) and
one article, so Material's and course.css' print rules apply as on the site; hooks/pdfbook.css
and the running heads made here come last. It has none of Material's JavaScript (its header,
search and per-code-block widgets cost a second a book and print nothing); diagrams arrive as
the inline SVGs hooks/diagrams.py drew at build time, the light one shown on paper. Text from
the pages arrives as HTML; what this module writes itself is escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from mkdocs.exceptions import PluginError

from hooks.pdfplan import LANGUAGES, Book, Entry, Language, title_in

HERE = Path(__file__).resolve().parent
BOOK_CSS = HERE / "pdfbook.css"
PLACEHOLDER = "00"  # a page number's room in the first print; the second print has the numbers
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
BODY = re.compile(r"<body\b[^>]*>")  # with Material's palette attributes


def _text(value: str) -> str:
    return html.escape(value, quote=True)


def cover(book: Book, language: Language, verified: Mapping[str, str]) -> str:
    """Title, edition date and what the examples were verified with (docs/verified-with.json)."""
    other = next(lang for lang in LANGUAGES if lang is not language)
    return (
        '<section class="book-cover" id="book-cover">'
        '<div class="book-cover__band">'
        f'<p class="book-cover__kicker">{_text(language.subtitle)}</p>'
        f'<h1 class="book-cover__title">{_text(title_in(book.title, language.code))}</h1>'
        "</div>"
        '<div class="book-cover__facts">'
        f'<p class="book-cover__edition">{_text(language.edition.format(date=verified["date"]))}</p>'
        f'<p class="book-cover__verified">{_text(language.verified.format(**verified))}</p>'
        "</div>"
        f'<p class="book-cover__other">{_text(language.other.format(file=book.file(other)))}</p>'
        "</section>"
    )


def contents(language: Language, entries: Sequence[Entry]) -> str:
    """The table of contents; each numbered line links to its target and shows its page."""
    lines = []
    for entry in entries:
        title = f'<span class="book-toc__title">{_text(entry.title)}</span>'
        kind = f"book-toc__{entry.kind} book-toc__level-{entry.level}"
        if not entry.numbered:
            lines.append(f'<li class="{kind}">{title}</li>')
            continue
        lines.append(
            f'<li class="{kind}"><a href="#{entry.target}">{title}'
            '<span class="book-toc__leader"></span>'
            f'<span class="book-toc__page" data-target="{entry.target}">{PLACEHOLDER}</span></a></li>'
        )
    return (
        f'<nav class="book-toc" id="book-contents" aria-label="{_text(language.contents)}">'
        f"<h1>{_text(language.contents)}</h1><ol>{''.join(lines)}</ol></nav>"
    )


def chapters(book: Book, assembled: Mapping[str, str]) -> str:
    """Each chapter's HTML (from pdfbook.js' assemble()) as a section that starts a page."""
    return "".join(
        f'<section class="book-chapter" id="{chapter.anchor}">{assembled[chapter.anchor]}</section>'
        for chapter in book.chapters
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def running_heads(book: Book, language: Language) -> str:
    """One named page per chapter, its title in the top margin (Chromium has no string-set)."""
    rules = [
        f"#book-contents {{ page: contents; }}\n"
        f"@page contents {{ @top-right {{ content: {_css_string(language.contents)}; }} }}"
    ]
    for number, chapter in enumerate(book.chapters, 1):
        title = _css_string(title_in(chapter.title, language.code))
        rules.append(
            f"#{chapter.anchor} {{ page: chapter-{number}; }}\n"
            f"@page chapter-{number} {{ @top-right {{ content: {title}; }} }}"
        )
    return "\n".join(rules)


def _site_styles(shell: str) -> tuple[str, str]:
    """The home page's stylesheet links and its <body> tag (which carries Material's palette)."""
    sheets = STYLESHEET.findall(shell)
    opening = BODY.search(shell)
    if not sheets or opening is None:
        raise PluginError("hooks/pdfhtml.py: no stylesheet or <body> in the home page; did Material change?")
    return "".join(f'<link rel="stylesheet" href="{href}">' for href in sheets), opening.group(0)


def workspace(shell: str) -> str:
    """An empty page styled like the site, where pdfbook.js assembles the chapters."""
    links, opening = _site_styles(shell)
    head = f'<meta charset="utf-8"><title>-</title>{links}'
    return f"<!doctype html><html><head>{head}</head>{opening}</body></html>"


def document(shell: str, *, language: Language, title: str, body: str, css: str) -> str:
    """A page holding `body` as its article, in `language`, styled like the site's home (`shell`)."""
    links, opening = _site_styles(shell)
    style = f"<style>{BOOK_CSS.read_text(encoding='utf-8')}\n{css}</style>"
    return (
        f'<!doctype html><html lang="{language.code}"><head><meta charset="utf-8">'
        f"<title>{_text(title)}</title>{links}{style}</head>{opening}"
        '<div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">'
        f'<div class="md-content"><article class="md-content__inner md-typeset">{body}</article>'
        "</div></div></main></div></body></html>"
    )
