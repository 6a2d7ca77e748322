"""Lecture 41's cheat sheet lists exactly the Docker commands the lecture pages execute."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docstest.docker.commands import docker_commands
from hooks import cheatsheet

REPO = Path(__file__).resolve().parent.parent
PROMPT = re.compile(r"^\s*\$ (docker(?: [a-z-]+){0,2})")


@pytest.mark.parametrize(
    ("line", "commands"),
    [
        ("docker ps -a", ["docker ps"]),
        ("time docker build -t goals .", ["docker build"]),
        ("docker rm $(docker ps -aq)", ["docker rm", "docker ps"]),
        ("docker run --rm node docker ps", ["docker run"]),  # the second `docker` is the container's
        ("docker image inspect --format '{{.Os}}' goals", ["docker image inspect"]),
        ("docker --help", ["docker --help"]),
        ("curl -s localhost:3000 | grep h2", []),
        ("docker ps -q | xargs echo; docker stop web", ["docker ps", "docker stop"]),
    ],
)
def test_the_docker_commands_a_line_runs(line: str, commands: list[str]) -> None:
    assert docker_commands(line) == commands


def _shown_commands() -> set[str]:
    """`$ docker X` lines as a reader sees them in the pages' console blocks (a second reading,
    independent of docstest's parser)."""
    shown: set[str] = set()
    for page in (REPO / "docs" / "lectures").glob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            found = PROMPT.match(line)
            if found:
                words = found.group(1).split()
                management = len(words) > 2 and words[1] in {
                    "builder",
                    "buildx",
                    "container",
                    "context",
                    "image",
                    "network",
                    "system",
                    "volume",
                }
                shown.add(" ".join(words[:3] if management else words[:2]))
    return shown


def test_every_command_a_page_shows_at_a_prompt_is_in_the_sheet() -> None:
    executed = set(cheatsheet.executed())
    assert _shown_commands() <= executed, sorted(_shown_commands() - executed)


def test_the_rendered_sheet_lists_exactly_the_executed_commands() -> None:
    executed = set(cheatsheet.executed())
    for language in cheatsheet.LANGUAGES:
        listed = set(re.findall(r"^\| `(docker[^`]*)` \|", cheatsheet.markdown(language), re.M))
        assert listed == executed, (language, sorted(listed ^ executed))


def test_a_command_the_sheet_does_not_describe_fails_with_where_it_runs(tmp_path: Path) -> None:
    (tmp_path / "50-new.md").write_text("```console\n$ docker volume ls\nDRIVER    VOLUME NAME\n```\n")
    uses = cheatsheet.executed(tmp_path)
    with pytest.raises(cheatsheet.CheatSheetError) as error:
        cheatsheet.check(uses, [{"ko": "k", "en": "e", "commands": {}}])
    assert "docs/lectures/50-new.md:2: `docker volume ls` runs `docker volume ls`" in str(error.value)
    assert "add each to a group of docs/maintainers/cheatsheet.yml" in str(error.value)


def test_an_entry_no_page_executes_fails(tmp_path: Path) -> None:
    (tmp_path / "50-new.md").write_text("```console\n$ docker ps\nCONTAINER ID\n```\n")
    groups = [{"ko": "k", "en": "e", "commands": {"docker ps": {}, "docker volume ls": {}}}]
    with pytest.raises(cheatsheet.CheatSheetError, match="describes docker volume ls, which no lecture page"):
        cheatsheet.check(cheatsheet.executed(tmp_path), groups)


def test_hidden_steps_are_not_the_learners_commands(tmp_path: Path) -> None:
    (tmp_path / "50-new.md").write_text("<!-- docstest: setup\ndocker volume prune -f\n-->\n")
    assert cheatsheet.executed(tmp_path) == {}
