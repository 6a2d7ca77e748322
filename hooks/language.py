"""MkDocs hook: one page carries both languages, marked so the reader sees one at a time.

The pages hold Korean and English in content tabs ("한국어" / "English"). This hook marks each
of those tab sets as a language set (`course-languages`, `lang` on each block, no `data-tabs`:
Material's script leaves it alone), takes its tab bar and radio inputs out of the keyboard
order and the accessibility tree (the header's switch, overrides/partials/header.html, chooses
the language), writes the page's H1 in both languages from its front matter, and gives the
nav, the TOC and the templates their titles in both languages. What is shown is decided by
`<html data-course-language>` in CSS (docs/assets/stylesheets/course.css), set before first
paint by overrides/main.html and kept in step by docs/assets/javascripts/language.js.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from hooks import render_later
from hooks.titles import Bilingual, TitleError, catalog, from_meta, named, nav_title

LABELS = {"한국어": "ko", "English": "en"}  # the tab labels of the language sets
_english: dict[str, str] = {}

# pymdownx.tabbed (alternate style): <div class="tabbed-set tabbed-alternate" data-tabs="1:2">
# <input ...><input ...><div class="tabbed-labels"><label for=..>한국어</label>...</div>
# <div class="tabbed-content"><div class="tabbed-block">...</div>...</div></div>
_SET = re.compile(r'<div class="tabbed-set tabbed-alternate" data-tabs="(\d+):2">')
_INPUT = re.compile(r'<input (?=[^>]*name="__tabbed_)')
_LABELS = re.compile(
    r'<div class="tabbed-labels"><label for="[^"]+">(?P<first>[^<]*)</label>'
    r'<label for="[^"]+">(?P<second>[^<]*)</label></div>'
)
_BLOCK = '<div class="tabbed-block">'
_ID = re.compile(r'\bid="([^"]+)"')


def both(title: Bilingual) -> Markup:
    """Both languages of a text, each shown only in its language (course.css)."""
    spans = (
        f'<span lang="{code}" data-course-lang="{code}">{html.escape(title.in_(code), quote=False)}</span>'
        for code in ("ko", "en")
    )
    return Markup("".join(spans))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        _english.clear()
        _english.update(catalog(config["extra"]))
        named(config["site_name"], _english)
    except TitleError as error:
        raise PluginError(str(error)) from None
    return config


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Sections get both titles now; pages when they have read their front matter."""

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, Section):
                _typeset(item, both(_titled(item)))
                walk(item.children)

    walk(nav.items)
    return nav


def _titled(item: Page | Section) -> Bilingual:
    try:
        return nav_title(item, _english)
    except TitleError as error:
        raise PluginError(str(error)) from None


def page_title(page: Page) -> Bilingual:
    """The page's own titles (its H1, the header, <title>)."""
    try:
        return from_meta(page.meta, f"docs/{page.file.src_uri}")
    except TitleError as error:
        raise PluginError(str(error)) from None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    page_title(page)  # a page without its two titles fails the build here, naming the file
    _typeset(page, both(_titled(page)))  # its nav label
    return markdown


def mark_language_sets(content: str, where: str) -> tuple[str, dict[str, str]]:
    """Mark the language tab sets; returns the content and the language of each id inside one."""
    out: list[str] = []
    languages: dict[str, str] = {}
    depths = {"ko": 0, "en": 0}  # how far down each language's page is (render_later's estimate)
    position = 0
    for match in _SET.finditer(content):
        if match.start() < position:
            continue  # a set inside a language block: not a language set
        labels = _LABELS.search(content, match.end())
        if labels is None or (labels.group("first"), labels.group("second")) != tuple(LABELS):
            continue
        end = _div_end(content, match.start(), where)
        head = content[match.start() : labels.end()]
        head = head.replace('tabbed-alternate"', 'tabbed-alternate course-languages"', 1)
        # Without data-tabs, Material's bundle mounts no tab component on the set: no prev/next
        # buttons, size and visibility observers, forced layouts per set at load (Lighthouse's
        # blocking time), nor its own content.tabs.link switching; language.js drives the set.
        head = head.replace(f' data-tabs="{match.group(1)}:2"', "", 1)
        head = _INPUT.sub('<input inert tabindex="-1" aria-hidden="true" ', head, count=2)
        head = head.replace('<div class="tabbed-labels">', '<div class="tabbed-labels" hidden>', 1)
        rest = content[labels.end() : end]
        cursor = rest.index('<div class="tabbed-content">') + len('<div class="tabbed-content">')
        marked = rest[:cursor]
        for code in ("ko", "en"):
            while rest[cursor : cursor + 1].isspace():
                marked += rest[cursor]
                cursor += 1
            if not rest.startswith(_BLOCK, cursor):
                raise PluginError(f"{where}: a 한국어/English tab set without its two blocks")
            block_end = _div_end(rest, cursor, where)
            block = rest[cursor + len(_BLOCK) : block_end]
            try:
                inner, depths[code] = render_later.wrap_runs(block.removesuffix("</div>"), depths[code])
            except ValueError as error:
                raise PluginError(f"{where}: the page's HTML in a {code} block: {error}") from error
            marked += f'<div class="tabbed-block" lang="{code}" data-course-lang="{code}">' + inner + "</div>"
            languages.update((anchor, code) for anchor in _ID.findall(block))
            cursor = block_end
        out.append(content[position : match.start()] + head + marked + rest[cursor:])
        position = end
    out.append(content[position:])
    return "".join(out), languages


def _div_end(content: str, start: int, where: str) -> int:
    """Where the <div> opened at `start` closes."""
    depth = 0
    for tag in re.finditer(r"<(/?)div\b[^>]*>", content[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return start + tag.end()
    raise PluginError(f"{where}: an unclosed <div> in the page's HTML")


def _typeset(item: Any, title: Markup) -> None:
    """Material's nav-item.html and toc-item.html show an item's `typeset.title` (HTML) in place
    of its title: the attribute Material's own typeset plugin sets."""
    item.typeset = {"title": title}


def _toc_languages(items: list[AnchorLink], languages: dict[str, str]) -> None:
    """TOC entries of a language's headings carry it, so CSS shows the reader's only."""
    for item in items:
        code = languages.get(item.id)
        if code:
            label = Markup(f'<span lang="{code}" data-course-lang="{code}">{item.title}</span>')
            _typeset(item, label)
        _toc_languages(item.children, languages)


def renest(items: list[AnchorLink], languages: dict[str, str]) -> list[AnchorLink]:
    """The TOC nested per language: a Korean h3 goes under the Korean h2 before it, not under
    the English h2 that closes the tab set before (both are in the page, one after the other)."""
    flat: list[AnchorLink] = []

    def walk(links: list[AnchorLink]) -> None:
        for link in links:
            flat.append(link)
            walk(link.children)

    walk(items)
    roots: list[AnchorLink] = []
    stacks: dict[str, list[AnchorLink]] = {"ko": [], "en": [], "": []}
    for link in flat:
        link.children = []
        code = languages.get(link.id, "")
        for name in stacks if not code else (code,):
            while stacks[name] and stacks[name][-1].level >= link.level:
                stacks[name].pop()
        stack = stacks[code]
        (stack[-1].children if stack else roots).append(link)
        for name in stacks if not code else (code,):
            stacks[name].append(link)  # a heading outside the tabs is a parent in both languages
    return roots


# A code block shared by both languages (outside the tabs) is titled "원문 · Markdown source"
_SHARED_TITLE = re.compile(
    r'<span class="filename">([^<]*[\uac00-\ud7a3][^<]*) · ([^<\uac00-\ud7a3]+)</span>'
)


# ... and so is a folded box shared by both languages: ??? success "풀이: A1 · Solution: A1"
_SHARED_SUMMARY = re.compile(r"<summary>([^<]*[\uac00-\ud7a3][^<]*) · ([^<\uac00-\ud7a3]+)</summary>")


def split_shared_titles(content: str) -> str:
    """A shared code block's or folded box's "한국어 · English" title shows the reader's half."""
    content = _SHARED_TITLE.sub(
        lambda m: (
            f'<span class="filename">{both(Bilingual(html.unescape(m[1]), html.unescape(m[2])))}</span>'
        ),
        content,
    )
    return _SHARED_SUMMARY.sub(
        lambda m: f"<summary>{both(Bilingual(html.unescape(m[1]), html.unescape(m[2])))}</summary>",
        content,
    )


def on_page_content(content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    content, languages = mark_language_sets(content, f"docs/{page.file.src_uri}")
    content = split_shared_titles(content)
    page.toc.items = renest(page.toc.items, languages)
    _toc_languages(list(page.toc), languages)
    if "<h1" not in content:
        content = f'<h1 class="course-title">{both(page_title(page))}</h1>\n' + content
    return content


# Material's UI strings that course pages show or speak (base.html, the partials the course
# overrides, and the JavaScript strings of Material's #__config), in both languages.
UI_KEYS = (
    "action.skip", "clipboard.copy", "clipboard.copied", "footer", "footer.next", "footer.previous",
    "header", "nav", "search", "search.placeholder", "search.reset", "search.share",
    "search.result.initializer", "search.result.placeholder", "search.result.none", "search.result.one",
    "search.result.other", "search.result.more.one", "search.result.more.other",
    "search.result.term.missing", "select.version", "toc", "top",
)  # fmt: skip


# The course's own strings for language.js: each code block's toolbar (a <nav> Material adds)
# is named "Code block 3", so the page's landmarks have names of their own.
COURSE_UI = {"ko": {"course.code": "코드 블록"}, "en": {"course.code": "Code block"}}


def ui_strings(env: Environment) -> dict[str, dict[str, str]]:
    """{"ko": {key: text}, "en": {...}} from Material's own translations (partials/languages)."""
    modules = {code: env.get_template(f"partials/languages/{code}.html").module for code in ("ko", "en")}
    table: dict[str, dict[str, str]] = {}
    for code, module in modules.items():
        table[code] = {key: str(module.t(key)) or str(modules["en"].t(key)) or key for key in UI_KEYS}  # type: ignore[attr-defined]
        table[code].update(COURSE_UI[code])
    return table


def page_data(page: Page | None, config: MkDocsConfig) -> dict[str, Any]:
    """What the head script needs of a page: its <title> in each language."""
    site = named(config["site_name"], _english)
    if page is None or page.is_homepage or not page.meta.get("title"):
        return {"title": {"ko": site.ko, "en": site.en}}
    title = page_title(page)
    return {"title": {code: f"{title.in_(code)} - {site.in_(code)}" for code in ("ko", "en")}}


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Template globals: `course_title(page)`, `course_nav_title(item)`, `course_name("강의")` give
    Bilingual values, `course_ui(key)` Material's UI string in both languages, `course_both(value)`
    both languages as spans; `course_page_data(page)` and `course_ui_table()` feed the head script."""
    table = ui_strings(env)
    env.globals["course_title"] = page_title
    env.globals["course_nav_title"] = _titled
    env.globals["course_name"] = lambda korean: named(str(korean), _english)
    env.globals["course_ui"] = lambda key: Bilingual(table["ko"][key], table["en"][key])
    env.globals["course_both"] = both
    env.globals["course_text"] = Bilingual  # a template's own words: course_text("한국어", "English")
    env.globals["course_page_data"] = lambda page: page_data(page, config)
    env.globals["course_ui_table"] = lambda: table
    env.globals["course_label"] = lambda *parts: Bilingual(
        *(": ".join(p.in_(c) for p in parts) for c in ("ko", "en"))
    )
    env.filters["course_attrs"] = attributes
    return env


def attributes(values: dict[str, Bilingual]) -> Markup:
    """`data-course-attrs`: attributes CSS cannot switch (aria-label, title), in both languages,
    for language.js to set in the reader's language."""
    data = {name: {"ko": value.ko, "en": value.en} for name, value in values.items()}
    return Markup(html.escape(json.dumps(data, ensure_ascii=False), quote=True))
