"""DockerDialect: the answers of docstest/dialect.py's questions for `docker` commands."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from provision.system import ProvisionError

from ..dialect import Dialect, Scope, ScopeError, Span
from ..model import Page
from . import commands as docker_commands
from . import normalise
from .scope import FreshScope, PrivateScope, SharedScope, can_isolate, require_docker, worker_engine

__all__ = ["DOCKER", "DockerDialect", "needs_docker"]


class DockerDialect(Dialect):
    """Docker's commands, output and engines, as the course's pages use them."""

    redactions = normalise.REDACTIONS
    normalised = "IDs, times and sizes"
    passed_env: frozenset[str] = frozenset()  # DOCKER_CONFIG is the scope's own (scope.py: client_config)
    publish_patterns = (docker_commands.PUBLISH,)

    def interactive(self, command: str) -> bool:
        return docker_commands.is_interactive_command(command)

    def terminal(self, command: str) -> bool:
        return docker_commands.is_terminal_command(command)

    def foreign_spans(self, command: str) -> list[Span]:
        return docker_commands.foreign_spans(command)

    def settle(self, command: str) -> str | None:
        if any(c in _STOPS for c in docker_commands.docker_commands(command)):
            return _AUTO_REMOVED
        if docker_commands.runs_attached(command):
            return _RUN_ENDED
        return None

    def canonical_order(self, text: str) -> str:
        return normalise.build_context_first(text)

    def table(
        self, lines: Sequence[str], cell: Callable[[str], str], names: frozenset[str]
    ) -> list[str] | None:
        return normalise.table(lines, cell, names)

    def chosen_names(self, commands: Iterable[str]) -> set[str]:
        return docker_commands.chosen_names(list(commands))

    def port_taken(self, line: str) -> bool:
        return _PORT_ALLOCATED.search(line) is not None or super().port_taken(line)

    def scope(self, page: Page, warn: Callable[[str], None]) -> Scope:
        """The engine a page with `docker` commands uses: its test worker's private engine, one
        of its own (`engine: fresh`), or the machine's where private ones cannot be started."""
        if not needs_docker(page):
            return Scope()
        require_docker()
        worker = None
        if can_isolate() and page.options.engine != "fresh":
            try:
                worker = worker_engine()
                if worker.engine_problem() is not None:
                    warn(f"restarted a dead engine: {worker.restart()}")
            except ProvisionError as error:
                raise ScopeError(
                    f"could not start this test worker's private Docker engine:\n  {error}"
                ) from None
        try:
            if page.options.engine == "fresh":
                return FreshScope()
            return PrivateScope(worker) if worker is not None else SharedScope()
        except ProvisionError as error:
            raise ScopeError(f"could not prepare a Docker engine for this page:\n  {error}") from None

    def command_weight(self, command: str) -> float:
        return 8 if "docker build" in command else 3 if "docker run" in command else 0.2

    def scope_weight(self, page: Page) -> float:
        return 30.0 if page.options.engine == "fresh" else 0.0  # an engine of its own to start


# `docker stop` returns once the container has exited; the engine removes a `--rm` one a moment
# later ("Removal In Progress" in `docker ps -a`). Wait (a minute at most, in a subshell; a loaded
# machine's engine took over 10 s) until no stopped container is still to be removed, whichever
# ones the command named ($(docker ps -q)). A `dead` one (its removal failed) never goes: not waited on.
_STOPS = frozenset({"docker stop", "docker kill", "docker container stop", "docker container kill"})
_AUTO_REMOVED = """(for _ in $(seq 300); do
  ids=$(docker ps -aq --filter status=exited --filter status=removing)
  [ -z "$ids" ] && break
  [ -z "$(docker inspect -f '{{if .HostConfig.AutoRemove}}x{{end}}' $ids 2>/dev/null)" ] && break
  sleep 0.2
done)"""
# After a foreground `docker run` returned: the newest container no longer "Up" (at most 5 s:
# one still running, a server whose CLI the page ended, is the page's to show)
_RUN_ENDED = """(for _ in $(seq 50); do
  [ "$(docker inspect -f '{{.State.Running}}' "$(docker ps -lq)" 2>/dev/null)" = true ] || break
  sleep 0.1
done)"""
_PORT_ALLOCATED = re.compile(r"port is already allocated", re.I)  # the engine's own words


def needs_docker(page: Page) -> bool:
    return page.options.engine == "fresh" or any(
        re.search(r"\bdocker\b", command.text) for block in page.blocks for command in block.commands
    )


DOCKER = DockerDialect()
