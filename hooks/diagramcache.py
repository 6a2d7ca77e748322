"""Diagrams drawn once: each Mermaid source, in each colour scheme, is keyed by a content hash and
its SVG kept in hooks/diagram-cache/ (committed), so `make serve` draws only what changed and a
fresh clone builds without Chromium as long as no diagram changed.

The key covers everything that changes the drawing: the source, the pinned Mermaid version, the
scheme's Mermaid configuration and RENDERER_VERSION (bump it when hooks/diagramrender.py draws
differently for a reason the key does not see). Drawing is a function passed in (`Renderer`),
so the cache is tested without a browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

CACHE_DIR = Path(__file__).resolve().parent / "diagram-cache"
RENDERER_VERSION = 1
# The site's own Mermaid, fetched with `npm pack` and checked (hooks/vendor_assets.npm_file)
MERMAID = (
    "mermaid",
    "11.12.1",
    "package/dist/mermaid.min.js",
    "198b19442f86f0b46a17e56d3abf744c3a28a3427e66fa8dada3b589a77babcc",
)
# The site's font stack (docs/assets/stylesheets/course.css, then Material's): labels are
# measured in the font the page shows them in.
FONT = (
    '-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans CJK KR", "Noto Sans KR", Roboto, '
    '"Apple SD Gothic Neo", "Malgun Gothic", Helvetica, Arial, sans-serif'
)
# Room between a group's title and its first box: the title sits in the top margin, and a title
# that wraps onto two lines no longer covers the first node (lecture 22's "docker build: …").
FLOWCHART = {"subGraphTitleMargin": {"top": 6, "bottom": 28}, "wrappingWidth": 240, "padding": 12}
THEME_CSS = "span, p { word-break: keep-all; }"  # Korean labels wrap between words, as on the page


class DiagramError(PluginError):
    """A diagram that cannot be drawn; the message names page:line and what to do."""


@dataclass(frozen=True)
class Scheme:
    """A colour scheme: `material` is the value of Material's data-md-color-scheme it is shown in."""

    name: str
    material: str
    config: Mapping[str, Any]


def _config(colors: Mapping[str, str]) -> dict[str, Any]:
    """Mermaid's "base" theme in Material's diagram colours (its --md-mermaid-* variables, made
    opaque over the page background: Mermaid wants opaque colours)."""
    return {
        "startOnLoad": False,
        "securityLevel": "strict",
        "theme": "base",
        "fontFamily": FONT,
        "flowchart": FLOWCHART,
        "themeCSS": THEME_CSS,
        "themeVariables": {
            "fontFamily": FONT,
            "background": colors["page"],
            "primaryColor": colors["node"],
            "primaryBorderColor": colors["border"],
            "primaryTextColor": colors["text"],
            "lineColor": colors["edge"],
            "textColor": colors["text"],
            "clusterBkg": colors["group"],
            "clusterBorder": colors["group-border"],
            "titleColor": colors["text"],
            "edgeLabelBackground": colors["page"],
        },
    }


LIGHT = Scheme(
    "light",
    "default",
    _config(
        {
            "page": "#ffffff",
            "node": "#ecf3ff",
            "border": "#4287ff",
            "text": "#36464e",
            "edge": "#36464e",
            "group": "#f5f5f5",
            "group-border": "#c4c4c4",
        }
    ),
)
DARK = Scheme(
    "dark",
    "slate",
    _config(
        {
            "page": "#1e2129",
            "node": "#222b3f",
            "border": "#4287ff",
            "text": "#d4d7df",
            "edge": "#b5b8c1",
            "group": "#272b35",
            "group-border": "#4a5060",
        }
    ),
)
SCHEMES = (LIGHT, DARK)


@dataclass(frozen=True)
class Job:
    """One drawing to make: a diagram's source in one scheme, and where the source is written."""

    source: str
    scheme: Scheme
    where: str  # "docs/lectures/22-dockerfile.md:551"

    @property
    def key(self) -> str:
        return key(self.source, self.scheme)

    @property
    def svg_id(self) -> str:
        """The SVG's id; Mermaid scopes its styles and markers by it, so it is unique per drawing."""
        return f"diagram-{self.key[:12]}"

    @property
    def filename(self) -> str:
        return f"{self.scheme.name}-{self.key}.svg"


Renderer = Callable[[Sequence[Job]], Mapping[str, str]]  # jobs → {job.key: svg}


def key(source: str, scheme: Scheme) -> str:
    identity = {
        "source": source.strip(),
        "mermaid": MERMAID[1],
        "scheme": scheme.name,
        "config": scheme.config,
        "renderer": RENDERER_VERSION,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:24]


def _write(path: Path, text: str) -> None:
    """Atomically: two builds at once (tests run side by side) never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".svg")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def drawings(jobs: Iterable[Job], render: Renderer, folder: Path = CACHE_DIR) -> dict[str, str]:
    """{job.key: svg} for every job: from `folder`, drawing (all at once) only the missing ones."""
    wanted = {job.key: job for job in jobs}
    missing = [job for job in wanted.values() if not (folder / job.filename).is_file()]
    if missing:
        drawn = render(missing)
        for job in missing:
            _write(folder / job.filename, drawn[job.key])
    return {k: (folder / job.filename).read_text(encoding="utf-8") for k, job in wanted.items()}


def prune(used: Iterable[Job], folder: Path = CACHE_DIR) -> list[Path]:
    """Delete the drawings no job of this build uses (a diagram that changed leaves its old one)."""
    keep = {job.filename for job in used}
    stale = [path for path in folder.glob("*.svg") if path.name not in keep]
    for path in stale:
        path.unlink(missing_ok=True)
    return stale
