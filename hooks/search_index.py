"""MkDocs hook: the learners' search index, in the reader's language, without the page chrome.

Material's search indexes a page section by section. On these pages each section sits in the
"한국어" or "English" tab, but the page-level entry gathers both tabs' untitled paragraphs, and
the tab labels ("한국어English"), the lecture's place line and diagram source were indexed too.
This hook
- keeps tab labels, the place-and-time line and diagrams out (`data-search-exclude`, which
  Material's search honours and removes from the page);
- tags each entry of site/search/search_index.json with its language (`"lang": "ko"|"en"`),
  splits each page-level entry in two, each with the page's title in that language, moves the
  paragraphs Material filed under the page to the section they follow (`redistribute`), and
  gives each glossary headword an entry of its own (its other names and spellings find it);
- loads docs/assets/javascripts/search-language.js, which hands Material's search worker only
  the reader's language and swaps it when the language changes.
Korean particles and English stems: overrides/assets/javascripts/lunr/min/lunr.ko.min.js.
Maintainer pages are out by their front matter (`search: exclude: true`).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

SCRIPT = "assets/javascripts/search-language.js"
# A page-level entry holds only the opening paragraphs (see `redistribute`) under the page's
# title; Material already ranks it above sections (×5 against ×2), so a common word of the
# title outranked the section about the query. Glossary headwords name what they define.
PAGE_BOOST = 0.5
TERM_BOOST = 2
CODES = ("ko", "en")
LABELS = {"한국어": "ko", "English": "en"}

# Opening tags whose content learners never search for: the language tab bar, the lecture's
# "강의 3/14 · 읽는 데 약 12분" line, Mermaid source should a diagram stay undrawn, and the
# page's title in both languages (hooks/language.py; each page-level entry gets its own).
_EXCLUDE = re.compile(
    r"<(?P<tag>div|p|pre|h1)"
    r'(?P<attrs> class="(?:tabbed-labels|lecture-meta|mermaid|course-title)\b[^"]*"[^>]*)>'
)
_KEPT = re.compile(r"<(/?)(p|ul|ol|pre)>")  # the block tags Material keeps in an entry's text
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass
class PageText:
    """What the index needs of a page: its titles, and the language of its headings and text."""

    titles: dict[str, str]
    anchors: dict[str, str] = field(default_factory=dict)  # heading id → "ko" | "en"
    text: dict[str, str] = field(default_factory=dict)  # "ko"/"en" → what a reader of it sees, no spaces
    heads: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # where in `text` each heading is
    terms: list[Term] = field(default_factory=list)  # the glossary's headwords


@dataclass(frozen=True)
class Term:
    """A headword of a definition list with an id (the glossary): its own search entry, so a
    query for a term, or for one of its other names, lands on it."""

    id: str
    language: str
    title: str
    text: str


_pages: dict[str, PageText] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if SCRIPT not in [str(script) for script in config.extra_javascript]:
        config.extra_javascript.append(SCRIPT)
    return config


def exclude_chrome(content: str) -> str:
    """`data-search-exclude` on tab labels, place lines and Mermaid source (value needed: Material
    strips `data-search-*="…"` from the page after indexing)."""
    return _EXCLUDE.sub(
        lambda m: (
            m.group(0)
            if "data-search-exclude" in m.group("attrs")
            else f'<{m.group("tag")}{m.group("attrs")} data-search-exclude="true">'
        ),
        content,
    )


@dataclass
class _TabSet:
    depth: int  # how many elements enclose it
    labels: list[str] = field(default_factory=list)
    blocks: int = 0  # the tab blocks met so far


class _Languages(HTMLParser):
    """Walks a page's HTML: which language tab each heading and each piece of text is in."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []  # (tag, language inside it)
        self.sets: list[_TabSet] = []  # the tab sets open here, innermost last
        self.anchors: dict[str, str] = {}
        self.text: dict[str, list[str]] = {code: [] for code in CODES}
        self.size = dict.fromkeys(CODES, 0)
        self.heads: dict[str, list[tuple[int, str]]] = {code: [] for code in CODES}
        self.in_label = False
        self.label: list[str] = []
        self.terms: list[Term] = []
        self.term: tuple[str, str, list[str], list[str]] | None = None  # id, language, title, text
        self.term_part: list[str] | None = None  # where text goes: the term's title or its text
        self.dd_depth = -1

    def language(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        current = self.language()
        if tag == "div" and "tabbed-set" in classes:
            self.sets.append(_TabSet(depth=len(self.stack)))
        elif tag == "label" and self.sets and self.stack and "tabbed-labels" in self._parent_classes():
            self.in_label, self.label = True, []
        elif tag == "div" and "tabbed-block" in classes and self.sets:
            tabs = self.sets[-1]
            label = tabs.labels[tabs.blocks] if tabs.blocks < len(tabs.labels) else ""
            tabs.blocks += 1
            code = attr.get("lang") or LABELS.get(label)
            current = code if code in CODES else current  # a set of other tabs keeps the language
        elif attr.get("lang") in CODES:
            current = attr["lang"]  # prose marked with its language (hooks/language.py)
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"} and attr.get("id"):
            if current:
                self.anchors[str(attr["id"])] = current
            for code in [current] if current else CODES:
                self.heads[code].append((self.size[code], str(attr["id"])))
        if tag == "dt" and attr.get("id") and current:
            self.term = (str(attr["id"]), current, [], [])
            self.term_part = self.term[2]
        elif tag == "dd" and self.term is not None and self.dd_depth < 0:
            self.dd_depth = len(self.stack)
            self.term_part = self.term[3]
        if tag not in self.VOID:
            self.stack.append((tag + "." + ".".join(classes), current))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # <input … />, <svg … />: nothing inside
        if tag not in self.VOID:
            self.stack.pop()

    def _parent_classes(self) -> str:
        return self.stack[-1][0] if self.stack else ""

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or all(name.split(".", 1)[0] != tag for name, _ in self.stack):
            return  # a stray end tag
        if tag == "label" and self.in_label:
            self.in_label = False
            if self.sets:
                self.sets[-1].labels.append("".join(self.label).strip())
        if tag == "dt":
            self.term_part = None
        while self.stack:
            name, _ = self.stack.pop()
            if name.startswith("dd") and len(self.stack) == self.dd_depth and self.term is not None:
                ident, code, title, text = self.term
                self.terms.append(
                    Term(
                        ident,
                        code,
                        _SPACE.sub(" ", "".join(title)).strip(),
                        _SPACE.sub(" ", "".join(text)).strip(),
                    )
                )
                self.term, self.term_part, self.dd_depth = None, None, -1
            if self.sets and len(self.stack) == self.sets[-1].depth and name.startswith("div.tabbed-set"):
                self.sets.pop()
            if name.split(".", 1)[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.in_label:
            self.label.append(data)
        if self.term_part is not None:
            self.term_part.append(data)
        code = self.language()
        squeezed = _squeeze(data)
        for reader in [code] if code else CODES:  # text outside the language tabs: both readers'
            self.text[reader].append(squeezed)
            self.size[reader] += len(squeezed)


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def read_page(content: str, titles: dict[str, str]) -> PageText:
    parser = _Languages()
    parser.feed(content)
    parser.close()
    return PageText(
        titles=titles,
        anchors=parser.anchors,
        text={code: "".join(parser.text[code]) for code in CODES},
        heads=parser.heads,
        terms=parser.terms,
    )


def page_titles(page: Page) -> dict[str, str]:
    """The page's title in each language: front matter `title`/`title_en`, else "한국어 · English"."""
    meta = page.meta
    ko, en = meta.get("title"), meta.get("title_en")
    if isinstance(ko, str) and isinstance(en, str) and ko and en:
        return {"ko": ko, "en": en}
    name = str(page.title or "")
    first, _, second = name.partition(" · ")
    return {"ko": first.strip() or name, "en": (second or first).strip() or name}


def on_page_content(html_: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    content = exclude_chrome(html_)
    if not (page.meta.get("search") or {}).get("exclude"):
        _pages[page.url] = read_page(content, page_titles(page))
    return content


def fragments(text: str) -> list[str]:
    """An entry's text in its top-level pieces: each <p>, <ul>, <ol>, <pre> and the text between."""
    pieces: list[str] = []
    depth, start = 0, 0
    for tag in _KEPT.finditer(text):
        closing = tag.group(1) == "/"
        if not closing:
            if depth == 0:
                if text[start : tag.start()].strip():
                    pieces.append(text[start : tag.start()].strip())
                start = tag.start()
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                pieces.append(text[start : tag.end()])
                start = tag.end()
    if text[start:].strip():
        pieces.append(text[start:].strip())
    return pieces


def _plain(piece: str) -> str:
    return _squeeze(html.unescape(_TAGS.sub("", piece)))


def _only_in(text: str, language_text: str) -> str:
    """The fragments of a section's text that a reader of one language sees on the page."""
    return " ".join(piece for piece in fragments(text) if _plain(piece) in language_text).strip()


def redistribute(entries: list[dict[str, Any]], page: PageText) -> list[dict[str, Any]]:
    """One page's entries, each tagged with its language. The page-level entry comes once per
    language, titled in it, holding only that language's opening text: Material's search files
    every paragraph of a tab that follows a tab set without a heading of its own (most of a
    lecture) under the page, so a page-level hit said little. Each such paragraph goes to the
    section a reader of that language is in there, i.e. the last heading before it."""
    article = next((entry for entry in entries if "#" not in str(entry["location"])), None)
    sections: list[dict[str, Any]] = []
    by_anchor: dict[tuple[str, str], dict[str, Any]] = {}
    for entry in entries:
        if entry is article:
            continue
        anchor = str(entry["location"]).partition("#")[2]
        code = page.anchors.get(anchor)
        tagged = {**entry, "lang": code} if code else dict(entry)
        if code:  # a shared box after this heading may hold both languages' nested tabs: keep this one's
            tagged["text"] = _only_in(str(entry.get("text", "")), page.text.get(code, ""))
        sections.append(tagged)
        for reader in [code] if code else CODES:
            by_anchor[(reader, anchor)] = tagged
    if article is None:
        return sections
    tops = {
        code: {
            **article,
            "title": html.escape(page.titles[code], quote=False),
            "text": "",
            "lang": code,
            "boost": PAGE_BOOST,
        }
        for code in CODES
    }
    cursor = dict.fromkeys(CODES, 0)
    for piece in fragments(str(article.get("text", ""))):
        plain = _plain(piece)
        if not plain:
            continue
        for code in CODES:
            text = page.text.get(code, "")
            at = text.find(plain, cursor[code])
            if at < 0:
                at = text.find(plain)
            if at < 0:
                continue
            cursor[code] = at + len(plain)
            heading = next((ident for where, ident in reversed(page.heads.get(code, [])) if where <= at), "")
            target = by_anchor.get((code, heading), tops[code])
            target["text"] = f"{target['text']} {piece}".strip()
    return [tops["ko"], tops["en"], *sections]


def term_entries(path: str, page: PageText) -> list[dict[str, object]]:
    return [
        {
            "location": f"{path}#{term.id}",
            "title": html.escape(term.title, quote=False),
            "text": html.escape(term.text, quote=False),
            "lang": term.language,
            "boost": TERM_BOOST,
        }
        for term in page.terms
    ]


def tag_entries(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Material's entries, page by page, redistributed and tagged (`redistribute`), then an
    entry per glossary headword (after its page's, as Material's search expects)."""
    pages: dict[str, list[dict[str, Any]]] = {}
    for entry in docs:
        pages.setdefault(str(entry.get("location", "")).partition("#")[0], []).append(entry)
    out: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    for path, entries in pages.items():
        page = _pages.get(path)
        if page is None:
            out.extend(entries)
            continue
        out.extend(redistribute(entries, page))
        terms.extend(term_entries(path, page))
    return out + terms


@event_priority(-50)  # after Material's search writes the index (0), before offline inlines it (-100)
def on_post_build(config: MkDocsConfig) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.exists():
        return  # search is off
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        docs = index["docs"]
    except (ValueError, KeyError) as error:
        raise PluginError(
            f"{path}: not Material's search index ({error}); is the `search` plugin on?"
        ) from error
    index["docs"] = tag_entries(docs)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
