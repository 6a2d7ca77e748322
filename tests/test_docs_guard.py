"""The doc tests guard the course: every console block runs, and real changes make them fail.

These tests break things on purpose (a page's expected output, the goals app's heading, its
port) in a scratch copy and check that the real pages then fail with a readable report.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from docstest.docker import scope as docker_scope
from docstest.parse import parse_page
from tests.helpers import nested_pytest_env, run_pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(.*)$")


def console_fences(text: str) -> int:
    """Console fences a reader sees, counted without the plugin: a plain line scanner that
    skips fences shown inside longer fences (the author's guide shows Markdown source)."""
    count, open_fence = 0, ""
    for line in text.splitlines():
        match = FENCE.match(line)
        if not match:
            continue
        ticks, info = match.groups()
        if open_fence:
            if ticks.startswith(open_fence) and not info.strip():
                open_fence = ""
            continue
        open_fence = ticks
        if re.match(r"^(console|shell-session)\b|^\{[^}]*\.(console|shell-session)\b", info.strip()):
            count += 1
    return count


@pytest.mark.parametrize("path", sorted(DOCS.rglob("*.md")), ids=lambda p: str(p.relative_to(DOCS)))
def test_every_console_block_on_a_page_is_collected(path: Path) -> None:
    page = parse_page(path)
    collected = [b for b in page.blocks if b.kind == "console"]
    assert len(collected) == console_fences(path.read_text(encoding="utf-8"))
    # Copies in a second language tab are not run twice, but parity checks them line by line.
    assert all(b.runs or any(c.startswith("tab:") for c in b.containers) for b in collected)


def scratch_site(tmp_path: Path, pages: list[str]) -> Path:
    """A copy of the course (pages, site configuration, goals-app, examples, the conftest that
    serves the site's downloads), so a change to the copy's goals-app reaches its downloads.
    `pages` are the pages the test runs (all are copied: the site builds strictly)."""
    for folder in ("goals-app", "examples", "docs", "hooks", "overrides"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("node_modules"))
    for name in ("mkdocs.yml", "conftest.py"):
        shutil.copy(REPO / name, tmp_path / name)
    assert all((tmp_path / "docs" / page).exists() for page in pages)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider\ndocstest_roots = docs\n")
    return tmp_path


def run_pages(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = nested_pytest_env(own_engine=False)
    if docker_scope.can_isolate():
        env["DOCSTEST_WORKER_ENGINE"] = docker_scope.worker_engine().env["DOCKER_HOST"]
    return run_pytest(site, *args, env=env, timeout=900)


LECTURE_21 = "lectures/21-goals-app.md"
LECTURE_22 = "lectures/22-dockerfile.md"


def test_a_changed_expected_output_line_fails_at_that_line(tmp_path: Path) -> None:
    site = scratch_site(tmp_path, [LECTURE_21])
    page = site / "docs" / LECTURE_21
    lines = page.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("Goals app listening on port"))
    lines[number - 1] = "Goals app listening on port 3001"
    page.write_text("\n".join(lines), encoding="utf-8")
    result = run_pages(site, "-x", f"docs/{LECTURE_21}")  # the first failure is the one meant
    assert result.returncode == 1, result.stdout[-3000:]
    assert f"docs/{LECTURE_21}:" in result.stdout and "output differs from the page" in result.stdout
    assert "-Goals app listening on port 3001" in result.stdout
    assert "+Goals app listening on port 3000" in result.stdout


def test_a_changed_heading_in_the_goals_app_fails_the_pages_that_show_it(tmp_path: Path) -> None:
    site = scratch_site(tmp_path, [LECTURE_21])
    server = site / "goals-app" / "server.js"
    server.write_text(server.read_text().replace("My Course Goal", "My Course Aim"))
    result = run_pages(site, f"docs/{LECTURE_21}")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "-      <h2>My Course Goal</h2>" in result.stdout
    assert "+      <h2>My Course Aim</h2>" in result.stdout


@pytest.mark.docker
def test_a_changed_port_in_the_goals_app_fails_the_dockerfile_lecture(tmp_path: Path) -> None:
    site = scratch_site(tmp_path, [LECTURE_22])
    server = site / "goals-app" / "server.js"
    text = server.read_text()
    assert "process.env.PORT || 80" in text
    server.write_text(text.replace("process.env.PORT || 80", "process.env.PORT || 8080"))
    # The page's first server waits up to 60 s to answer; this test need not wait that long
    page = site / "docs" / LECTURE_22
    directive = "<!-- docstest: background ready=http://localhost:3000/ -->"
    text = page.read_text(encoding="utf-8")
    assert directive in text, f"{LECTURE_22} starts its server another way"
    shorter = directive.replace(" -->", " ready-timeout=15 -->")
    page.write_text(text.replace(directive, shorter, 1), encoding="utf-8")
    result = run_pages(site, "-x", f"docs/{LECTURE_22}")  # the rest of the page cannot pass either
    assert result.returncode == 1, result.stdout[-3000:]
    assert (
        re.search(rf"docs/{LECTURE_22}:\d+: background command never became ready", result.stdout)
        or "Goals app listening on port 8080" in result.stdout
    ), result.stdout[-3000:]
    assert "Traceback" not in result.stdout
