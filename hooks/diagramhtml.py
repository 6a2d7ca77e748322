"""A page's ```mermaid fences as inline SVG: where each is written, and the figure it becomes.

pymdownx.superfences writes a fence as `<pre class="mermaid"><code>source</code></pre>`;
hooks/diagrams.py replaces each with a figure holding one drawing per colour scheme. CSS keyed on
Material's data-md-color-scheme shows the one that fits (docs/assets/stylesheets/course.css), so
no script runs. The figure is out of the search index (data-search-exclude), and each SVG is an
image named by its `accTitle:` line (role="img", aria-label).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from hooks.diagramcache import SCHEMES, DiagramError, Job

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*mermaid\b.*$")
PRE = re.compile(r'<pre class="mermaid"><code>(?P<code>.*?)</code></pre>', re.DOTALL)
ACC_TITLE = re.compile(r"^[ \t]*accTitle[ \t]*:[ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE)
SVG_OPEN = re.compile(r"<svg\b[^>]*>")
DROP = re.compile(r'\s(?:role|aria-labelledby|aria-roledescription)="[^"]*"')


@dataclass(frozen=True)
class Fence:
    line: int  # 1-based line of the opening fence
    source: str  # dedented, as superfences passes it on


def fences(markdown: str) -> list[Fence]:
    """The ```mermaid fences of a page's Markdown source, in order."""
    found: list[Fence] = []
    lines = markdown.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE_OPEN.match(lines[index])
        index += 1
        if not opening:
            continue
        indent, fence = opening["indent"], opening["fence"]
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        start, body = index, []
        while index < len(lines) and not closing.match(lines[index]):
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        index += 1
        found.append(Fence(start, "\n".join(body).strip()))
    return found


def accessible_name(source: str, where: str) -> str:
    match = ACC_TITLE.search(source)
    if match is None:
        raise DiagramError(
            f"{where}: a diagram needs a name for screen readers: add a line `accTitle: …` "
            "(what the diagram shows, in the page's language) after its first line"
        )
    return match["title"]


def svg_for_page(svg: str, job: Job, name: str, occurrence: int) -> str:
    """Mermaid's SVG as an image named `name`, tagged with its scheme; a diagram drawn again on
    the same page gets its own ids (Mermaid's styles and markers are scoped by the SVG's id)."""
    if occurrence:
        svg = svg.replace(job.svg_id, f"{job.svg_id}-{occurrence}")
    opening = SVG_OPEN.search(svg)
    if opening is None:
        raise DiagramError(f"{job.where}: the drawing in hooks/diagram-cache/{job.filename} is not an SVG")
    tag = DROP.sub("", opening.group(0))[:-1].rstrip("/ ")
    tag += f' role="img" aria-label="{html.escape(name, quote=True)}" data-course-scheme="{job.scheme.name}">'
    return svg[: opening.start()] + tag + svg[opening.end() :]


def figure(svgs: Mapping[str, str]) -> str:
    """The figure of one diagram: `svgs` by scheme name, drawn in SCHEMES' order."""
    return (
        '<figure class="course-diagram" data-search-exclude>'
        + "".join(svgs[scheme.name] for scheme in SCHEMES)
        + "</figure>"
    )


def sources(content: str) -> list[str]:
    """The diagram sources of a page's HTML, in order."""
    return [html.unescape(match["code"]).strip() for match in PRE.finditer(content)]


def jobs_for(page_sources: list[str], markdown: str, path: str) -> list[list[Job]]:
    """A job per scheme for each diagram of the page, each placed at its fence's line (the
    first unused fence with that source; the page alone if the source is not found)."""
    unused = fences(markdown)
    placed: list[list[Job]] = []
    for source in page_sources:
        fence = next((f for f in unused if f.source == source), None)
        if fence is not None:
            unused.remove(fence)
        where = f"{path}:{fence.line}" if fence else path
        placed.append([Job(source, scheme, where) for scheme in SCHEMES])
    return placed


def replace(content: str, placed: list[list[Job]], svg_of: Callable[[Job], str]) -> str:
    """The page's HTML with each diagram's <pre> replaced by its figure (`placed` in page order)."""
    seen: dict[str, int] = {}
    figures: list[str] = []
    for jobs in placed:
        name = accessible_name(jobs[0].source, jobs[0].where)
        svgs: dict[str, str] = {}
        for job in jobs:
            occurrence = seen.get(job.key, 0)
            seen[job.key] = occurrence + 1
            svgs[job.scheme.name] = svg_for_page(svg_of(job), job, name, occurrence)
        figures.append(figure(svgs))
    pieces = iter(figures)
    return PRE.sub(lambda _: next(pieces), content)
