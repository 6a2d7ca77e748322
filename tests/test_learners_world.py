"""The pages show the learner's world: today's Docker and node, and only the learner's own files.

- no transcript of Docker's legacy builder (`Step 1/6 : FROM node`), no Node 18;
- a lecture's folder comes from downloads a learner unpacked (front matter `unpack:`), each
  proven by an earlier lecture's `leaves:` check, never from the repository behind the scenes;
- hidden setup steps never change a file (enforced while the pages run, by the runner:
  tests/test_docstest_plugin.py shows it failing); here: none of them reaches into the
  repository for files either.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docstest.model import Page
from docstest.parse import parse_page

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
LECTURES = sorted((DOCS / "lectures").glob("*.md"))
LEARNER_PAGES = [*LECTURES, DOCS / "index.md", DOCS / "module.md", DOCS / "glossary.md"]
LEGACY_BUILDER = re.compile(
    r"^(?:Step \d+/\d+ : | ---> |Successfully built |Removing intermediate container )"
)


def _page(path: Path) -> Page:
    return parse_page(path, str(path.relative_to(REPO)))


def _transcript_lines(page: Page) -> list[tuple[int, str]]:
    return [
        (output.line, output.text)
        for block in page.blocks
        for command in block.commands
        for output in command.output
    ]


@pytest.mark.parametrize("path", [*LEARNER_PAGES, DOCS / "authoring.md"], ids=lambda p: p.name)
def test_no_transcript_shows_the_legacy_builder_or_node_18(path: Path) -> None:
    page = _page(path)
    legacy = [f"{page.path}:{n}: {text}" for n, text in _transcript_lines(page) if LEGACY_BUILDER.match(text)]
    assert not legacy, "legacy builder output in a transcript (BuildKit is what learners see):\n" + "\n".join(
        legacy
    )
    text = path.read_text(encoding="utf-8")
    old_node = [
        f"{page.path}:{n}" for n, line in enumerate(text.splitlines(), 1) if re.search(r"\bv18\.", line)
    ]
    assert not old_node, f"Node.js 18 (end of life) shown at {old_node}"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.name)
def test_lectures_start_from_the_learners_downloads_not_the_repository(path: Path) -> None:
    page = _page(path)
    assert not page.options.copy, (
        f"{page.path}:1: docstest.copy puts repository folders into the page's folder behind the "
        "reader's back; start from a download instead (docstest.unpack)"
    )
    for block in page.blocks:
        for command in block.commands:
            assert "DOCSTEST_REPO" not in command.text, (
                f"{page.path}:{command.line}: a lecture's command reads the repository directly"
            )


def test_every_unpacked_download_is_left_so_by_an_earlier_lecture() -> None:
    """Lecture N starts from a download only where an earlier lecture proves (leaves:) that a
    learner following it has exactly that download's files by then."""
    left: set[str] = set()
    for path in LECTURES:
        page = _page(path)
        for url in page.options.unpack:
            assert url in left, (
                f"{page.path}:1: starts from {url}, but no earlier lecture ends with `leaves: [{url!r}]`"
            )
        left.update(page.options.leaves)


def test_a_lecture_that_leaves_a_download_has_a_visible_command_fetching_it() -> None:
    for path in LECTURES:
        page = _page(path)
        commands = " ".join(
            command.text for block in page.blocks if block.kind == "console" for command in block.commands
        )
        for url in page.options.leaves:
            if url in page.options.unpack:
                continue  # starts from the learner's folder and must give it back as it was (lecture 25)
            name = url.rsplit("/", 1)[-1]
            assert re.search(rf"curl [^\n]*{re.escape(url)}", commands) or name in commands, (
                f"{page.path}:1: leaves {url}, but neither unpacks it nor visibly downloads it"
            )
