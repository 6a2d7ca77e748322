"""DockerDialect: the answers of docstest/dialect.py's questions for `docker` commands."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ..dialect import Dialect, Span
from . import commands as docker_commands
from . import normalise

__all__ = ["DOCKER", "DockerDialect"]


class DockerDialect(Dialect):
    """Docker's commands, output and engines, as the course's pages use them."""

    redactions = normalise.REDACTIONS
    publish_patterns = (docker_commands.PUBLISH,)

    def interactive(self, command: str) -> bool:
        return docker_commands.is_interactive_command(command)

    def terminal(self, command: str) -> bool:
        return docker_commands.is_terminal_command(command)

    def foreign_spans(self, command: str) -> list[Span]:
        return docker_commands.foreign_spans(command)

    def canonical_order(self, text: str) -> str:
        return normalise.build_context_first(text)

    def table(
        self, lines: Sequence[str], cell: Callable[[str], str], names: frozenset[str]
    ) -> list[str] | None:
        return normalise.table(lines, cell, names)

    def chosen_names(self, commands: Iterable[str]) -> set[str]:
        return docker_commands.chosen_names(list(commands))


DOCKER = DockerDialect()
