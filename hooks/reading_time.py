"""MkDocs hook: each lecture says where it sits in the module and how long its main path takes.

"강의 3/5 · 읽는 데 약 12분" / "Lecture 3 of 5 · 12 min read" opens each language tab of a
lecture, so a learner can plan a sitting. The time counts what a reader of that language reads
on the main path: folded boxes (`???`: solutions, optional try-it builds) are left out.

Rates: 200 English words a minute, a learner's pace for technical text (silent reading of
non-fiction averages 238, Brysbaert 2019), and 400 Hangul syllables a minute, the same pace
for Korean: this course's Korean tabs carry 1.9–2.2 syllables per word of their English tabs.
A line of code or output takes 2 seconds to skim. Runs after mkdocs-macros (hooks follow the
plugins), so included files count as the learner sees them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from mkdocs.structure.pages import Page

from hooks.prose import PageLine, page_lines

WORDS_PER_MINUTE = 200
SYLLABLES_PER_MINUTE = 400
SECONDS_PER_CODE_LINE = 2
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")
_TAB_HEADER = re.compile(r'^(?P<indent> *)===[!+]?\s+"(?P<label>한국어|English)"\s*$')


@dataclass(frozen=True)
class Place:
    number: int  # 1-based, among the lecture pages of the module
    total: int


def reading_minutes(lines: list[PageLine], language: str) -> int:
    """Minutes to read the main path of one language: that tab's prose plus the shared code."""
    seconds = 0.0
    for line in lines:
        if line.folded or line.language not in (language, ""):
            continue
        if line.code:
            seconds += SECONDS_PER_CODE_LINE if line.text.strip() else 0
            continue
        prose = line.prose
        syllables = len(_HANGUL.findall(prose))
        words = len(_WORD.findall(_HANGUL.sub(" ", prose)))
        seconds += 60 * (syllables / SYLLABLES_PER_MINUTE + words / WORDS_PER_MINUTE)
    return max(1, math.ceil(seconds / 60))


def meta_line(language: str, place: Place, minutes: int) -> str:
    if language == "한국어":
        return f"강의 {place.number}/{place.total} · 읽는 데 약 {minutes}분"
    return f"Lecture {place.number} of {place.total} · {minutes} min read"


def with_meta_lines(markdown: str, place: Place) -> str:
    """The page with a meta line opening the first tab of each language."""
    lines = page_lines(markdown)
    out = markdown.split("\n")
    done: set[str] = set()
    for index in range(len(out)):
        match = _TAB_HEADER.match(out[index])
        if not match or match.group("label") in done:
            continue
        language = match.group("label")
        done.add(language)
        indent = match.group("indent") + "    "
        line = meta_line(language, place, reading_minutes(lines, language))
        out[index] += f"\n\n{indent}{line}\n{indent}{{ .lecture-meta }}\n"
    return "\n".join(out)


def lecture_place(page: Page) -> Place | None:
    """The page's place among the lectures (pages under lectures/, in nav order)."""
    if not page.file.src_uri.startswith("lectures/") or page.parent is None:
        return None
    siblings = [item for item in page.parent.children if isinstance(item, Page)]
    lectures = [item for item in siblings if item.file.src_uri.startswith("lectures/")]
    if page not in lectures:
        return None
    return Place(lectures.index(page) + 1, len(lectures))


def on_page_markdown(markdown: str, page: Page, **_: Any) -> str:
    place = lecture_place(page)
    return with_meta_lines(markdown, place) if place else markdown
