"""The module's command cheat sheet, made from the commands the lecture pages execute.

Lecture 41 lists every Docker command the module uses, grouped by task, each with the lectures
that run it and the first line a learner ran it with. Which commands, where and how come from
the pages' executed blocks (docstest's own parser, so the sheet sees exactly what the tests
run); only the task groups and one-line descriptions are written by hand, in
docs/maintainers/cheatsheet.yml. A command no entry describes, or an entry no page executes,
fails the build with what to do.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docstest.docker.commands import docker_commands
from docstest.parse import parse_page

REPO = Path(__file__).resolve().parent.parent
LECTURES = REPO / "docs" / "lectures"
DESCRIPTIONS = REPO / "docs" / "maintainers" / "cheatsheet.yml"
EXECUTED = ("console", "script")  # shown and run; hidden setup/teardown steps are not the learner's
LANGUAGES = ("ko", "en")
HEADINGS = {
    "ko": ("명령", "하는 일", "처음 쓴 예", "강의"),
    "en": ("Command", "What it does", "First used as", "Lectures"),
}


class CheatSheetError(ValueError):
    """The descriptions and the pages disagree; the message says which command and where."""


@dataclass
class Use:
    """Where a Docker command runs: the pages (in lecture order) and its first command line."""

    pages: list[Path] = field(default_factory=list)
    first: str = ""
    where: str = ""  # page.md:line of the first use
    on_main_path: bool = False  # first is outside folded boxes (exercises, variants)


def executed(lectures: Path = LECTURES) -> dict[str, Use]:
    """Every Docker command the lecture pages execute (in order of first use), with the first
    line that runs it on a lecture's main path (a folded exercise's only if there is none).

    A build asks six times (lecture 41 in two languages, and again for the home page's reading
    times); the pages are parsed once per version of them (a build: 6.4 -> 5.0 s, with
    learner_path's shared reading lines)."""
    pages = sorted(lectures.glob("*.md"))
    versions = tuple((page.name, page.stat().st_mtime_ns, page.stat().st_size) for page in pages)
    return copy.deepcopy(_executed(lectures, versions))


@functools.lru_cache(maxsize=4)
def _executed(lectures: Path, versions: tuple[tuple[str, int, int], ...]) -> dict[str, Use]:
    uses: dict[str, Use] = {}
    for page in (lectures / name for name, _, _ in versions):
        for block in parse_page(page, f"docs/lectures/{page.name}").blocks:
            if block.kind not in EXECUTED:
                continue
            for command in block.commands:
                for name in docker_commands(command.text):
                    use = uses.setdefault(name, Use())
                    if page not in use.pages:
                        use.pages.append(page)
                    main_path = not any(c.startswith("folded:") for c in block.containers)
                    if not use.first or (main_path and not use.on_main_path):
                        use.first = _line_running(command.text, name)
                        use.where = f"docs/lectures/{page.name}:{command.line}"
                        use.on_main_path = main_path
    return uses


def _line_running(text: str, name: str) -> str:
    """The line of a (multi-line) command that runs `name`."""
    words = name.split()
    pattern = re.compile(r"\bdocker\s+" + r"\s+".join(re.escape(w) for w in words[1:]) + r"(?:\s|$)")
    return next((line.strip() for line in text.splitlines() if pattern.search(line)), text.splitlines()[0])


def descriptions(path: Path = DESCRIPTIONS) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
    return groups


def check(uses: dict[str, Use], groups: list[dict[str, Any]]) -> None:
    described = {name for group in groups for name in group["commands"]}
    missing = [name for name in uses if name not in described]
    if missing:
        lines = [f"{uses[name].where}: `{uses[name].first}` runs `{name}`" for name in missing]
        raise CheatSheetError(
            "the cheat sheet does not describe commands the pages execute:\n  "
            + "\n  ".join(lines)
            + f"\n  add each to a group of {DESCRIPTIONS.relative_to(REPO)} (ko and en, one line)"
        )
    stale = sorted(described - set(uses))
    if stale:
        raise CheatSheetError(
            f"{DESCRIPTIONS.relative_to(REPO)} describes {', '.join(stale)}, which no lecture page executes "
            "any more: remove the entry (or the page lost a command it should run)"
        )


def lecture_number(page: Path) -> str:
    return page.name.split("-", 1)[0]


def markdown(language: str, *, lectures: Path = LECTURES, path: Path = DESCRIPTIONS) -> str:
    """The sheet in one language: an h3 and a table per task group, under the page's h2 (lectures/)."""
    if language not in LANGUAGES:
        raise CheatSheetError(f"cheat_sheet() takes one of {LANGUAGES}, not {language!r}")
    uses, groups = executed(lectures), descriptions(path)
    check(uses, groups)
    command, does, example, where = HEADINGS[language]
    parts: list[str] = []
    for group in groups:
        rows = [f"| {command} | {does} | {example} | {where} |", "|---|---|---|---|"]
        for name, text in group["commands"].items():
            use = uses[name]
            links = ", ".join(f"[{lecture_number(p)}]({p.name})" for p in use.pages)
            rows.append(f"| `{name}` | {text[language]} | `{_cell(use.first)}` | {links} |")
        parts.append(f"### {group[language]}\n\n" + "\n".join(rows))  # under the sheet's h2
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    """A command inside a table cell: a `|` would end the cell."""
    return text.replace("|", "\\|")
