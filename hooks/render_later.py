"""The prose of a language block, drawn only as it nears the screen.

A lecture is long (lecture 22: some 3,500 elements) and Material's script, when it mounts,
asks for the page's layout several times (the header, the back-to-top button, the TOC's
heading offsets, the palette's colours). Each answer costs style and layout for every
element drawn. course.css gives each run of content between two headings of a language
block `content-visibility: auto` (`.course-flow`): the browser styles and lays out a run only
near the screen, and uses the height estimated here until it has drawn it once.

Headings stay outside the runs: the TOC reads their offsets, and reading an offset inside a
run would force that run's layout. Find in page, links to an anchor inside a run, and the
accessibility tree reach the content as before; paper draws everything (screen only).
"""

from __future__ import annotations

import re

_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w:-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>", re.S)
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HEADING = re.compile(r"h[1-6]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Estimated heights (px, a phone's column) until a run is drawn once; `auto` keeps the drawn one.
_LINE = 26  # a line of prose
_WIDTH_PER_LINE = 44  # Latin letters in a line of prose on a 412 px wide screen
_CODE_LINE = 20
_BLOCK = 24  # margins of a paragraph, list item, definition or code block
_UNDRAWN = 192  # the 12rem course.css reserves for a code block, box or diagram not yet drawn
_BOX = _UNDRAWN + 40  # a note or folded box (not yet drawn, or drawn: title, padding, margins)
_ROW = 72  # a table row on a phone wraps to two or three lines
_FIGURE = 320  # a diagram
_HEADING_HEIGHT = 60
FIRST_SCREENS = 2400  # px: runs starting this far down (estimated) are drawn as they near the screen
_MARGIN = 1.4  # over the estimate, so that content fits its reserved box (see estimated_height)


def top_level(html: str) -> list[tuple[int, int, bool]]:
    """The spans of `html`'s top-level nodes: (start, end, is_heading), covering all of it.
    Text between top-level nodes belongs to the span after it; text after the last is a span."""
    spans: list[tuple[int, int, bool]] = []
    depth, start, heading = 0, 0, False
    for tag in _TAG.finditer(html):
        if tag.group(0).startswith("<!--"):
            if depth == 0:
                spans.append((start, tag.end(), False))
                start = tag.end()
            continue
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name in _VOID or self_closing:
            if depth == 0:
                spans.append((start, tag.end(), False))
                start = tag.end()
            continue
        if not closing:
            if depth == 0:
                heading = bool(_HEADING.fullmatch(name))
            depth += 1
            continue
        depth -= 1
        if depth < 0:
            raise ValueError(f"a stray </{name}> at offset {tag.start()}")
        if depth == 0:
            spans.append((start, tag.end(), heading))
            start = tag.end()
    if depth:
        raise ValueError("an element left open")
    if start < len(html):
        spans.append((start, len(html), False))
    return spans


def estimated_height(html: str) -> int:
    """A generous height for a run of content on a phone: prose lines (a Hangul syllable is
    about twice as wide as a Latin letter), code lines, boxes and table rows; a folded box
    counts as its summary. Generous on purpose: a run's content then always fits the box the
    browser reserves for it while undrawn, so boxes measured before and after it is drawn never
    overlap (axe and Lighthouse's accessibility audit measure every box on the page)."""
    html = re.sub(r"(<details\b[^>]*>\s*<summary>.*?</summary>).*?</details>", r"\1", html, flags=re.S)
    code: list[str] = re.findall(r"<pre\b.*?</pre>", html, re.S)
    # a code block not yet drawn holds 12rem (course.css), a drawn one its lines
    code_height = sum(max((block.count("\n") + 1) * _CODE_LINE, _UNDRAWN) for block in code)
    prose = re.sub(r"<pre\b.*?</pre>|<svg\b.*?</svg>", "", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", prose)).strip()
    width = len(text) + len(_HANGUL.findall(text))
    height = (
        width // _WIDTH_PER_LINE * _LINE
        + code_height
        + len(re.findall(r"<(?:p|li|pre|dt|dd)\b", html)) * _BLOCK
        + len(re.findall(r"<details\b|<div class=\"admonition\b", html)) * _BOX
        + len(re.findall(r"<tr\b", html)) * _ROW
        + len(re.findall(r"<figure\b", html)) * _FIGURE
    )
    return max(round(height * _MARGIN), 120)


def wrap_runs(block: str, above: int = FIRST_SCREENS) -> tuple[str, int]:
    """`block` (a language block's inner HTML) with each run between headings in a
    `<div class="course-flow">` carrying its estimated height, and how far down the page the
    block ends (estimated). Runs that start within the first screens (`above`: the estimated
    height of the page before the block) stay as they are: they are drawn at once, and a run
    drawn a frame after the first paint would push what is below it on the screen."""
    out: list[str] = []
    run: list[str] = []
    depth = above

    def close_run() -> None:
        nonlocal depth
        body = "".join(run)
        run.clear()
        if not body.strip():
            out.append(body)
            return
        height = estimated_height(body)
        if depth < FIRST_SCREENS:
            out.append(body)
        else:
            leading = len(body) - len(body.lstrip())
            out.append(
                body[:leading]
                + f'<div class="course-flow" style="contain-intrinsic-size: auto {height}px">'
                + body[leading:]
                + "</div>"
            )
        depth += height

    for start, end, heading in top_level(block):
        if heading:
            close_run()
            out.append(block[start:end])
            depth += _HEADING_HEIGHT
        else:
            run.append(block[start:end])
    close_run()
    return "".join(out), depth
