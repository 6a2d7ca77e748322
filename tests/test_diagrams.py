"""Diagrams drawn at build time (hooks/diagrams.py): the cache that keeps `make serve` fast and
lets a fresh clone build without Chromium, the clear error when a changed diagram cannot be
drawn, and the built pages in a real browser: no Mermaid script anywhere, one visible SVG per
diagram in each colour scheme, group titles clear of the boxes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from hooks import diagramcache, diagramhtml, diagramrender
from hooks.diagramcache import SCHEMES, DiagramError, Job
from tests.site_pages import SCHEMES as MATERIAL_SCHEMES
from tests.site_pages import scheme_shown, switch_scheme

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
SOURCE = 'flowchart LR\n    accTitle: Two boxes\n    a["A"] --> b["B"]'


class CountingRenderer:
    """Stands in for Chromium: records what it is asked to draw."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, jobs: Sequence[Job]) -> dict[str, str]:
        self.calls.append([job.source for job in jobs])
        return {job.key: f'<svg id="{job.svg_id}"><title>{job.scheme.name}</title></svg>' for job in jobs}


def jobs_of(source: str, where: str = "docs/page.md:3") -> list[Job]:
    return [Job(source, scheme, where) for scheme in SCHEMES]


# -- the cache ---------------------------------------------------------------------------------


def test_a_drawn_diagram_is_not_drawn_again(tmp_path: Path) -> None:
    render = CountingRenderer()
    first = diagramcache.drawings(jobs_of(SOURCE), render, tmp_path)
    again = diagramcache.drawings(jobs_of(SOURCE), render, tmp_path)
    assert render.calls == [[SOURCE, SOURCE]]  # one call, both schemes
    assert first == again and len(first) == 2
    assert sorted(path.name.split("-")[0] for path in tmp_path.glob("*.svg")) == ["dark", "light"]


def test_a_changed_diagram_is_drawn_and_only_it(tmp_path: Path) -> None:
    render = CountingRenderer()
    diagramcache.drawings(jobs_of(SOURCE), render, tmp_path)
    changed = SOURCE.replace('"B"', '"C"')
    diagramcache.drawings(jobs_of(SOURCE) + jobs_of(changed), render, tmp_path)
    assert render.calls == [[SOURCE, SOURCE], [changed, changed]]
    stale = diagramcache.prune(jobs_of(changed), tmp_path)  # the old drawing goes on a full build
    assert len(stale) == 2 and len(list(tmp_path.glob("*.svg"))) == 2


def test_the_key_follows_source_scheme_and_mermaid_version(monkeypatch: pytest.MonkeyPatch) -> None:
    light, dark = (diagramcache.key(SOURCE, scheme) for scheme in SCHEMES)
    assert light != dark
    assert diagramcache.key(SOURCE + "\n", SCHEMES[0]) == light  # trailing space is not a change
    assert diagramcache.key(SOURCE.replace("A", "Z"), SCHEMES[0]) != light
    monkeypatch.setattr(diagramcache, "MERMAID", ("mermaid", "99.0.0", "x", "y"))
    assert diagramcache.key(SOURCE, SCHEMES[0]) != light


def test_without_chromium_a_changed_diagram_fails_with_page_line_and_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagramrender, "chromium_path", lambda: None)
    with pytest.raises(DiagramError) as failure:
        diagramcache.drawings(
            jobs_of(SOURCE, "docs/lectures/22-dockerfile.md:551"), diagramrender.render, tmp_path
        )
    message = str(failure.value)
    assert "docs/lectures/22-dockerfile.md:551" in message
    assert "python -m provision browser" in message
    assert list(tmp_path.iterdir()) == []


def test_the_build_without_chromium_names_the_page_and_line(tmp_path: Path) -> None:
    """The real hook in a small MkDocs project whose diagram is in no cache, on a PATH without
    Chromium: the strict build stops at the fence's line and says what to run."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Page\n\nText.\n\n```mermaid\n{SOURCE}\n    c --> d\n```\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\n"
        f"hooks: [{REPO / 'hooks' / 'diagrams.py'}]\n"
        "markdown_extensions:\n"
        "  - pymdownx.superfences:\n"
        "      custom_fences:\n"
        "        - name: mermaid\n"
        "          class: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
    )
    env = {**os.environ, "PATH": str(Path(sys.executable).parent), "NO_MKDOCS_2_WARNING": "1"}
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert build.returncode != 0
    assert "docs/index.md:5" in build.stderr, build.stderr[-2000:]
    assert "python -m provision browser" in build.stderr


def committed_jobs() -> Iterator[Job]:
    for page in sorted(DOCS.rglob("*.md")):
        where = str(page.relative_to(REPO))
        for fence in diagramhtml.fences(page.read_text(encoding="utf-8")):
            yield from (Job(fence.source, scheme, f"{where}:{fence.line}") for scheme in SCHEMES)


def test_the_committed_cache_holds_every_diagram_of_the_docs() -> None:
    """So a fresh clone builds without Chromium; after changing a diagram, build and commit."""
    jobs = list(committed_jobs())
    assert len(jobs) >= 16
    missing = [job.where for job in jobs if not (diagramcache.CACHE_DIR / job.filename).is_file()]
    assert missing == [], f"not drawn in hooks/diagram-cache/ (run `make build` and commit it): {missing}"
    names = {job.filename for job in jobs}
    stale = sorted(p.name for p in diagramcache.CACHE_DIR.glob("*.svg") if p.name not in names)
    assert stale == [], f"drawings no page uses (a full build deletes them): {stale}"


# -- the page's HTML ---------------------------------------------------------------------------


def test_fences_are_found_at_their_lines_inside_tabs() -> None:
    page = '=== "English"\n\n    Text.\n\n    ```mermaid\n    flowchart LR\n        a --> b\n    ```\n'
    assert diagramhtml.fences(page) == [diagramhtml.Fence(5, "flowchart LR\n    a --> b")]


def test_a_diagram_without_a_title_fails_with_page_line() -> None:
    with pytest.raises(DiagramError, match=r"docs/page\.md:7: .*accTitle"):
        diagramhtml.accessible_name("flowchart LR\n  a --> b", "docs/page.md:7")


def test_the_figure_is_named_out_of_search_and_keyed_by_scheme() -> None:
    html = f'<p>x</p><pre class="mermaid"><code>{SOURCE.replace(">", "&gt;")}</code></pre>'
    sources = diagramhtml.sources(html)
    placed = diagramhtml.jobs_for(sources, f"# t\n\n```mermaid\n{SOURCE}\n```\n", "docs/page.md")
    assert placed[0][0].where == "docs/page.md:3"
    drawn = CountingRenderer()(placed[0])
    out = diagramhtml.replace(html, placed, lambda job: drawn[job.key])
    assert "<pre" not in out and '<figure class="course-diagram" data-search-exclude>' in out
    assert out.count('role="img" aria-label="Two boxes"') == 2
    assert 'data-course-scheme="light"' in out and 'data-course-scheme="dark"' in out


# -- the built site in a browser -----------------------------------------------------------------


def page_paths(site: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html"))


def fence_counts() -> dict[str, int]:
    """Built page path → number of ```mermaid fences in its source (both languages)."""
    counts = {}
    for page in DOCS.rglob("*.md"):
        if found := diagramhtml.fences(page.read_text(encoding="utf-8")):
            counts[str(page.relative_to(DOCS).with_suffix("")) + "/"] = len(found)
    return counts


def test_diagram_source_is_not_in_the_search_index(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = json.dumps(index, ensure_ascii=False)
    for word in ("flowchart", "accTitle", "CMD: node server.js"):
        assert word not in text, word


SCAN = """() => {
  const box = (e) => e.getBoundingClientRect();
  const shown = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  return {
    scheme: document.body.dataset.mdColorScheme,
    mermaid: typeof window.mermaid !== 'undefined'
      || !!document.querySelector('script[src*="mermaid"], pre.mermaid'),
    figures: [...document.querySelectorAll('figure.course-diagram')].map((figure) => {
      const svgs = [...figure.querySelectorAll(':scope > svg')].filter(shown);
      return {
        shown: shown(figure),
        schemes: svgs.map((svg) => svg.dataset.courseScheme),
        names: svgs.map((svg) => svg.getAttribute('role') === 'img' ? svg.getAttribute('aria-label') : ''),
        heights: svgs.map((svg) => box(svg).height),
        overlaps: svgs.flatMap((svg) => {
          const nodes = [...svg.querySelectorAll('g.node')].map((n) => [n.textContent.trim(), box(n)]);
          return [...svg.querySelectorAll('.cluster-label')].flatMap((label) =>
            nodes.filter(([, node]) => overlap(box(label), node))
              .map(([text]) => `${label.textContent.trim()} / ${text}`));
        }),
      };
    }),
  };
}"""


def test_every_page_draws_its_diagrams_as_one_svg_per_scheme_without_mermaid(
    browser: Browser, built_site: Path, site_url: str
) -> None:
    """Each page in the scheme it opens in (the first one on a dark system); a page with
    diagrams also after the reader's toggle to the other scheme (tests/site_pages.py), so both
    drawings are seen on one load."""
    expected = fence_counts()
    assert len(expected) >= 4
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    seen: set[str] = set()
    try:
        for number, path in enumerate(page_paths(built_site)):
            tab.goto(site_url + path.removeprefix("./"), wait_until="domcontentloaded")
            for toggled in (False, True):
                scheme = switch_scheme(tab) if toggled else scheme_shown(tab)
                assert number or toggled or scheme == "dark", f"{path}: {scheme} on a dark system"
                found = tab.evaluate(SCAN)
                assert scheme and found["scheme"] == MATERIAL_SCHEMES[scheme], path
                assert not found["mermaid"], f"{path}: Mermaid on the page"
                figures = found["figures"]
                assert len(figures) == expected.get(path, 0), path
                if not figures:
                    break
                visible = [figure for figure in figures if figure["shown"]]
                assert len(visible) == len(figures) // 2, f"{path}: one language's diagrams shown"
                for figure in visible:
                    assert figure["schemes"] == [scheme], f"{path}: {figure['schemes']}"
                    assert figure["names"][0] and figure["heights"][0] > 100, f"{path}: {figure}"
                    overlaps = figure["overlaps"]
                    assert overlaps == [], f"{path}: a group title covers a box: {overlaps}"
                seen.add(scheme)
    finally:
        context.close()
    assert seen == set(MATERIAL_SCHEMES), f"diagrams seen drawn in {seen}"
    assert not [url for url in requests if "mermaid" in url.lower()]
