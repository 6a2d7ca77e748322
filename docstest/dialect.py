"""The seam between the core, which runs transcripts of any CLI, and what one CLI's commands mean.

The core reads pages, runs their commands in one bash per page, and compares what they print
with the page (wildcards, diffs, --update-docs); it knows no CLI. What only a CLI knows comes
from its dialect: whether a command takes over the terminal, what in its output changes from
run to run, which part of a command runs somewhere else (in a container), and the environment a
page runs in. A plugin gives the dialect through the `pytest_docstest_dialect` hook
(hookspecs.py); the Docker dialect is docstest/docker/.

`Dialect` itself is the plain dialect: no special behaviour. Pages run in a temporary folder
with the allow-listed environment, and output is compared as it is, so transcripts of bash,
git or python3 run without Docker. A dialect for another CLI subclasses it and overrides what
that CLI needs; everything else stays plain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from .model import Page

__all__ = ["PLAIN", "Dialect", "Redaction", "Scope", "ScopeError", "Span"]

Redaction = tuple[re.Pattern[str], str]  # a pattern and its replacement (re.sub syntax)
Span = tuple[int, int]  # offsets [start, end) in a command's text


class ScopeError(Exception):
    """A dialect could not set up a page's environment: reported as `page.md:1: <message>`."""


class Scope:
    """The environment one page runs in, and how what the page made there is removed.

    The plain scope has nothing to set up or remove: the page's temporary folder, which the
    core makes and removes, is all there is.
    """

    @property
    def env(self) -> Mapping[str, str]:
        """Variables the page's shell gets on top of the allow-listed ones (e.g. DOCKER_HOST)."""
        return {}

    @property
    def folder(self) -> Path | None:
        """Where the page's temporary folder is made (None: the system's temporary folder);
        a scope whose infrastructure removes its own folder, even after a kill, names it here."""
        return None

    def problem(self) -> str | None:
        """Why the environment cannot be used any more (it died), or None while it works.

        A block that fails while there is a problem is reported as not the page's fault,
        with this text and no hint to change the page."""
        return None

    def attempt(self) -> Callable[[], None]:
        """Note the state before a command the core may retry (its host port was taken); the
        function returned removes what a failed attempt left behind (e.g. its container)."""
        return lambda: None

    def finish(self) -> list[str]:
        """Remove everything the page made; return notes on what could not be removed."""
        return []


class Dialect:
    """What the core asks about the commands of one CLI. This base class is the plain dialect."""

    # Output: patterns replaced on both sides before comparing (after a block's own `redact=`),
    # so IDs, times and sizes that change on every run still match the page.
    redactions: Sequence[Redaction] = ()
    # What those redactions normalise, in the words of a failure report ("IDs, times and sizes").
    normalised: str = ""
    # Names of the runner's environment variables a page's shell gets besides the core's
    # allow-list (runner.PASSED_ENV): the CLI's own configuration, such as DOCKER_CONFIG.
    passed_env: frozenset[str] = frozenset()
    # Host ports a command publishes (`-p 3000:80`): groups `pre` and `port`. Rewritten to free
    # ports wherever they stand, unlike `localhost:3000` and `PORT=3000` (see foreign_spans).
    publish_patterns: Sequence[re.Pattern[str]] = ()

    # -- how a command runs ----------------------------------------------------------------

    def interactive(self, command: str) -> bool:
        """Whether the command takes the terminal and reads what a user types (`docker run -it`):
        its transcript is then typed in at its prompts. A block's `interactive` directive wins."""
        return False

    def terminal(self, command: str) -> bool:
        """Whether the command draws for a terminal (BuildKit's progress), so the page shows
        its final screen rather than its lines. A block's `terminal` directive wins."""
        return False

    def settle(self, command: str) -> str | None:
        """A shell script to run, unseen, after `command` returned: it waits until what the CLI
        still finishes in the background is done (the engine removing a `--rm` container after
        `docker stop`), as the pause before a learner's next command would. It may only wait,
        never change anything; None when there is nothing to wait for."""
        return None

    # -- how its output is compared --------------------------------------------------------

    def canonical_order(self, text: str) -> str:
        """`text` with lines whose order varies between runs (steps running side by side) put
        in one order. Applied to both sides and to the real lines behind them: it may move
        lines, never change or drop them."""
        return text

    def table(
        self, lines: Sequence[str], cell: Callable[[str], str], names: frozenset[str]
    ) -> list[str] | None:
        """A table the CLI prints (`lines[0]` its header), as `cell | cell | ...` lines whose
        cells are normalised with `cell`, so column widths may differ; None if it is no table.
        `names`: the names the page chose (chosen_names), compared as written."""
        return None

    def chosen_names(self, commands: Iterable[str]) -> set[str]:
        """Names a page gives to what it makes (`--name web`), as opposed to generated ones."""
        return set()

    # -- ports ---------------------------------------------------------------------------------

    def foreign_spans(self, command: str) -> list[Span]:
        """Parts of a command line that run somewhere else than the host (the command a
        container runs: `docker exec web curl localhost:3000`). A `localhost:3000` or
        `PORT=3000` that starts in one is left as the page wrote it."""
        return []

    def port_taken(self, line: str) -> bool:
        """Whether an output line says a host port is held by another program: the core
        then retries the command on another free port (Scope.attempt tidies up between)."""
        return _ADDRESS_IN_USE.search(line) is not None

    # -- the environment a page runs in ------------------------------------------------------

    def scope(self, page: Page, warn: Callable[[str], None]) -> Scope:
        """Set up the environment `page` runs in (raise ScopeError if it cannot be). May skip
        the page through pytest when a prerequisite is missing (docstest.ci.unavailable);
        `warn` reports something the run should know about (a restarted engine)."""
        return Scope()

    # -- sharding ------------------------------------------------------------------------------

    def command_weight(self, command: str) -> float:
        """Estimated seconds a command takes, for --shard when no durations were measured."""
        return 0.2

    def scope_weight(self, page: Page) -> float:
        """Estimated seconds to set up and remove the page's environment (for --shard)."""
        return 0.0


_ADDRESS_IN_USE = re.compile(r"address already in use|EADDRINUSE", re.I)

PLAIN = Dialect()  # the dialect when no plugin answers pytest_docstest_dialect
