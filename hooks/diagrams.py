"""MkDocs hook: ```mermaid diagrams become inline SVG at build time, so no page loads Mermaid
(2.75 MB that kept diagram pages blank on a phone), and the PDFs and the offline build show the
same drawings.

Each diagram is drawn in a light and a dark scheme (hooks/diagramcache.py: keys and the
committed cache in hooks/diagram-cache/; hooks/diagramrender.py: Mermaid in Chromium, only for
what the cache lacks; hooks/diagramhtml.py: the figure). A build of the site's own docs that
rendered every page (not a `--dirty` one) deletes the drawings no page uses any more.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# MkDocs loads this hook by path; hooks.* are the installed project's modules
from hooks import diagramcache, diagramhtml
from hooks.diagramcache import Job

log = logging.getLogger("mkdocs.hooks.diagrams")
REPO_DOCS = Path(__file__).resolve().parent.parent / "docs"
_used: dict[str, Job] = {}  # this build's drawings, by file name
_pages = {"expected": 0, "rendered": 0}


def on_pre_build(config: MkDocsConfig) -> None:
    _used.clear()
    _pages.update(expected=0, rendered=0)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    _pages["expected"] = len(files.documentation_pages())
    return files


def _render(jobs: Sequence[Job]) -> dict[str, str]:
    from hooks import diagramrender  # Playwright is imported only when something must be drawn

    log.info("drawing %d new or changed diagram(s) in Chromium", len(jobs))
    return diagramrender.render(jobs)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _pages["rendered"] += 1
    sources = diagramhtml.sources(html)
    if not sources:
        return html
    source_path = page.file.abs_src_path
    if source_path:
        markdown = Path(source_path).read_text(encoding="utf-8")
        where = os.path.relpath(source_path)
    else:
        markdown, where = page.markdown or "", page.file.src_uri
    placed = diagramhtml.jobs_for(sources, markdown, where)
    jobs = [job for group in placed for job in group]
    for job in jobs:
        diagramhtml.accessible_name(job.source, job.where)  # before drawing: a quick, clear error
    svgs = diagramcache.drawings(jobs, _render)
    _used.update({job.filename: job for job in jobs})
    return diagramhtml.replace(html, placed, lambda job: svgs[job.key])


def on_post_build(config: MkDocsConfig) -> None:
    if Path(config["docs_dir"]).resolve() != REPO_DOCS or _pages["rendered"] < _pages["expected"]:
        return  # a build of other docs (a test's), or of some pages, does not see every diagram
    for stale in diagramcache.prune(_used.values()):
        log.info("removed %s (no page draws it any more)", stale.name)
