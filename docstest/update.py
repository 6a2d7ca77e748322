"""`--update-docs`: write the real output of failing commands back into their pages.

Lines that still match (wildcards, redacted IDs and times) are kept as the author wrote
them (see match.updated_expectation), so a second run changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .model import Block, Command


@dataclass
class PendingUpdate:
    path: Path
    first: int  # first line (1-based) of the expected output in the page
    last: int  # last line, inclusive (first - 1 when there was none)
    indent: str
    lines: list[str]

    @classmethod
    def for_command(cls, block: Block, command: Command, lines: list[str]) -> PendingUpdate:
        command_end = command.line + command.text.count("\n")
        last = command.output[-1].line if command.output else command_end
        return cls(block.path, command_end + 1, last, block.indent, lines)


def apply_updates(updates: list[PendingUpdate], root: Path) -> list[Path]:
    """Rewrite pages from the bottom up, so earlier line numbers stay valid; return changed pages."""
    by_page: dict[Path, list[PendingUpdate]] = defaultdict(list)
    for update in updates:
        by_page[update.path].append(update)
    changed = []
    for path, pending in by_page.items():
        file = path if path.is_absolute() else root / path
        lines = file.read_text(encoding="utf-8").split("\n")
        for update in sorted(pending, key=lambda u: u.first, reverse=True):
            new = [(update.indent + line) if line else "" for line in update.lines]
            lines[update.first - 1 : update.last] = new
        file.write_text("\n".join(lines), encoding="utf-8")
        changed.append(path)
    return changed
