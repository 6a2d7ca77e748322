"""What a reader of one language reads on a course page, line by line.

The style checks (terminology, meta-text), the seed map's key words and the reading time all
ask the same question of a page's Markdown: which lines are prose and which are code, in which
language tab they sit, and whether they are folded away (`???`) off the main path. This module
answers it once, on top of the tab and box structure the doc tests already parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docstest.parse import FENCE, unwrap_containers

LANGUAGES = ("한국어", "English")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_ATTRIBUTES = re.compile(r"\{\s*[#.:][^{}]*\}")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_MACRO = re.compile(r"^\s*\{\{.*\}\}\s*$")


@dataclass(frozen=True)
class PageLine:
    number: int  # 1-based, in the page's source
    language: str  # the language tab it sits in, "" outside the tabs
    text: str  # as written, box indentation removed, inline code kept
    code: bool  # inside a fenced block, or a macro line that renders one
    folded: bool  # inside a closed `???` box: off the main reading path

    @property
    def prose(self) -> str:
        """The words read as prose: no inline code, link targets, attribute lists or tags."""
        if self.code:
            return ""
        text = _INLINE_CODE.sub(" ", self.text)
        text = _LINK_TARGET.sub("]", text)
        text = _ATTRIBUTES.sub(" ", text)
        return _TAG.sub(" ", text)


def _blank_keeping_lines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def page_lines(source: str) -> list[PageLine]:
    """Every line of a page (front matter and HTML comments blanked), classified."""
    source = _FRONT_MATTER.sub(_blank_keeping_lines, source, count=1)
    source = _COMMENT.sub(_blank_keeping_lines, source)
    unwrapped = unwrap_containers(source)
    lines: list[PageLine] = []
    fence: str | None = None
    for number, (text, containers) in enumerate(
        zip(unwrapped.text.split("\n"), unwrapped.containers, strict=True), 1
    ):
        language = next((c[4:] for c in containers if c.startswith("tab:") and c[4:] in LANGUAGES), "")
        folded = any(c.startswith("folded:") for c in containers)
        stripped = text.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            lines.append(PageLine(number, language, text, True, folded))
            continue
        if match := FENCE.match(stripped):
            fence = match.group(1)
            lines.append(PageLine(number, language, text, True, folded))
            continue
        lines.append(PageLine(number, language, text, bool(_MACRO.match(text)), folded))
    return lines
