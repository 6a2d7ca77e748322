"""mkdocs-macros: the home page's list of lectures, each with its place and reading time.

`lecture_list("ko")` writes one line per lecture of the nav: its title (hooks/titles.py) and
the same "강의 3/14 · 읽는 데 약 12분" line the lecture itself opens with (hooks/reading_time.py).
The minutes are computed from the lecture as its reader sees it: a page with
`render_macros: true` is expanded first (its included files count), as it is for its own line,
so the home page and the lecture never disagree and nobody types a number.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, Protocol

from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from hooks.prose import PageLine, page_lines
from hooks.reading_time import lecture_place, meta_line, reading_minutes
from hooks.titles import page_title

LABELS = {"ko": "한국어", "en": "English"}  # the tab labels reading_time counts by


class MacrosPlugin(Protocol):
    """The part of mkdocs-macros' plugin object (`env`) this module uses."""

    variables: dict[str, Any]
    page: Any

    def macro(self, function: Any) -> Any: ...

    def render(self, markdown: str, force_rendering: bool = False) -> str: ...


def lecture_markdown(env: MacrosPlugin, page: Page) -> str:
    """The lecture's Markdown as its reader gets it: front matter off, macros expanded."""
    markdown, meta = get_data(Path(page.file.abs_src_path or "").read_text(encoding="utf-8"))
    return env.render(markdown, force_rendering=True) if meta.get("render_macros") is True else markdown


def lecture_lines(env: MacrosPlugin, code: str, lines: dict[str, list[PageLine]] | None = None) -> list[str]:
    """One Markdown list item per lecture, in nav order, linked relative to the current page.
    `lines`: each lecture's reading lines by page, kept between the two languages' lists."""
    lines = {} if lines is None else lines
    navigation: Navigation | None = env.variables.get("navigation")
    if navigation is None or code not in LABELS:
        raise ValueError(f"lecture_list({code!r}): a language 'ko' or 'en', on a page of the nav")
    here = posixpath.dirname(env.page.file.src_uri)
    items = []
    for page in navigation.pages:
        place = lecture_place(page)
        if place is None:
            continue
        title = page_title(Path(page.file.abs_src_path or ""), f"docs/{page.file.src_uri}").in_(code)
        if page.file.src_uri not in lines:
            lines[page.file.src_uri] = page_lines(lecture_markdown(env, page))
        minutes = reading_minutes(lines[page.file.src_uri], LABELS[code])
        link = posixpath.relpath(page.file.src_uri, here or ".")
        items.append(f"- [{title}]({link}) · {meta_line(LABELS[code], place, minutes)}")
    return items


def register(env: MacrosPlugin) -> None:
    lines: dict[str, list[PageLine]] = {}  # one build's (macros are registered anew for each build)

    @env.macro
    def lecture_list(code: str, indent: int = 4) -> str:
        """The lectures as a list for the home page, in `code`'s language ("ko" or "en");
        `indent`: the tab's indentation, which the list's later lines need too."""
        return ("\n" + " " * indent).join(lecture_lines(env, code, lines))
