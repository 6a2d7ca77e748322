"""Run a page's blocks in order in one shell, compare outputs, and tidy up after the page."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import re
import shutil
import tempfile
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import archives, match
from .dialect import PLAIN, Dialect, Scope
from .model import Block, Command, Directives, Page, Step
from .rewrite import Rewriter, host_ports
from .shell import BackgroundJob, PageShell, Result, ShellDied, wait_ready
from .update import PendingUpdate

UPDATE_HINT = "accept the real output: pytest --update-docs {path}"
PORT_RETRIES = 3  # a host port taken between choosing it and the server binding it: try another
SETTLE_SECONDS = 75.0  # the longest unseen wait after a command (Dialect.settle)

# What a page's shell gets of the runner's environment: what a learner's terminal has too (where
# programs are, who and where one is, language, time zone, proxies, CA certificates, CI), and
# the CLI's own configuration its dialect names (Dialect.passed_env: Docker's DOCKER_CONFIG),
# never the rest: a CI secret in an env var must not reach a page's commands or a failure
# report. The runner adds its own (DOCSTEST_REPO, LANG, the scope's DOCKER_HOST...) on top.
PASSED_ENV = frozenset(
    {
        *("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "TZ", "TERM", "LANG", "CI"),
        *("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"),
        *("SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"),
    }
)


def page_environment(environ: Mapping[str, str], passed: frozenset[str] = frozenset()) -> dict[str, str]:
    """The allow-listed part of `environ` (PASSED_ENV, `passed` and the LC_* locale settings)."""
    return {
        name: value
        for name, value in environ.items()
        if name in PASSED_ENV or name in passed or name.startswith("LC_")
    }


class BlockFailure(Exception):
    """A block did not do what its page says; the message is the whole report."""


@dataclass
class Background:
    block: Block
    command: Command
    job: BackgroundJob


@dataclass(eq=False)  # identity: open runs are tracked in a set
class PageRun:
    page: Page
    repo: Path
    update: bool
    scope: Scope = field(default_factory=Scope)  # the environment the dialect set up for the page
    variables: Callable[[str], str | None] = lambda name: None  # `{{ name }}` -> value
    record: Callable[[str, str, str, int], None] = lambda name, value, page, line: None  # record=
    dialect: Dialect = PLAIN  # what the page's CLI means (ports, names, output), see dialect.py
    next_block: int = 0
    failed_at: int | None = None
    backgrounds: list[Background] = field(default_factory=list)
    updates: list[PendingUpdate] = field(default_factory=list)
    finished: bool = False
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        # Where the scope says (a worker engine's run folder: its supervisor removes it even when
        # every process of the run was killed), else in the system's, named by pid for the sweep.
        self.tmp = Path(tempfile.mkdtemp(prefix=f"docstest-{os.getpid()}-", dir=self.scope.folder))
        _track(self)
        self.workdir = self.tmp / "work"
        self.scratch = self.tmp / "scratch"
        self.workdir.mkdir()
        self.scratch.mkdir()
        try:
            self._prepare_folder()
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            _open_runs.discard(self)
            with contextlib.suppress(Exception):
                self.scope.finish()
            raise
        env = {
            "DOCSTEST_REPO": str(self.repo),
            "LANG": "C.UTF-8",
            "NO_COLOR": "1",
            "npm_config_update_notifier": "false",
            "npm_config_fund": "true",
            **self.scope.env,
        }
        base = page_environment(os.environ, self.dialect.passed_env)
        self.shell = PageShell(self.workdir, self.scratch, {**base, **{k: v for k, v in env.items() if v}})
        commands = [c.text for b in self.page.blocks for c in b.commands]
        self.rewriter = Rewriter(host_ports(commands, dialect=self.dialect), dialect=self.dialect)

    # -- variables and archives ------------------------------------------------------

    def _prepare_folder(self) -> None:
        """The learner's folder at the start: copied repo folders, unpacked downloads."""
        for folder in self.page.options.copy:
            source = self.repo / folder
            if not source.exists():
                raise BlockFailure(
                    f"{self.page.path}:1: front matter copies {folder!r}, which does not exist in {self.repo}"
                )
            shutil.copytree(
                source,
                self.workdir / folder,
                symlinks=True,
                ignore=shutil.ignore_patterns("node_modules", ".git", "__pycache__"),
            )
        for url in self.page.options.unpack:
            archives.unpack(self._archive(url, "unpack"), self.workdir)

    def expand(self, text: str, line: int) -> str:
        """Put the values of `{{ name }}` variables into a command (Docker's `{{.Names}}` stays)."""

        def value(found: re.Match[str]) -> str:
            got = self.variables(found.group(1))
            if got is None:
                raise BlockFailure(
                    f"{self.page.path}:{line}: no value for {found.group(0)} here\n"
                    "  hint: a conftest.py must answer pytest_docstest_variable for it"
                )
            return got

        return VARIABLE.sub(value, text)

    def _real(self, text: str, line: int) -> str:
        return self.rewriter.to_real(self.expand(text, line))

    def _archive(self, url: str, option: str) -> bytes:
        real = self.expand(url, 1)
        try:
            return archives.fetch(real)
        except (OSError, urllib.error.URLError) as error:
            raise BlockFailure(
                f"{self.page.path}:1: front matter docstest.{option}: cannot fetch {real}: {error}"
            ) from None

    # -- running ---------------------------------------------------------------------

    def run_through(self, index: int) -> None:
        """Run blocks up to and including `index` (earlier ones too, if deselected)."""
        wanted = self.page.blocks[index]
        while self.next_block <= index:
            current = self.next_block
            block = self.page.blocks[current]
            if self.failed_at is not None:
                failed = self.page.blocks[self.failed_at]
                raise BlockFailure(
                    f"{wanted.path}:{wanted.line}: not run, because the block at "
                    f"{failed.path}:{failed.line} failed before it (fix that one first)"
                )
            self.next_block += 1
            try:
                self._run_block(block)
            except BlockFailure:
                self.failed_at = current
                self._blame_the_environment(block)
                raise
            except ShellDied as error:
                self.failed_at = current
                self._blame_the_environment(block)
                raise BlockFailure(f"{block.path}:{block.line}: {error}") from None

    def _blame_the_environment(self, block: Block) -> None:
        """A failure while the page's environment is dead (its Docker engine) is not the page's
        fault: say so, with no hint to change the page (which would write the breakage into it)."""
        problem = self.scope.problem()
        if problem is not None:
            raise BlockFailure(f"{block.path}:{block.line}: not the page's fault: {problem}") from None

    def _remaining(self, wanted: float, line: int = 1) -> float:
        left = self.page.options.timeout - (time.monotonic() - self.started)
        if left <= 0:
            raise BlockFailure(
                f"{self.page.path}:{line}: not run: the page already ran for its whole timeout of "
                f"{self.page.options.timeout:.0f} s (front matter docstest.timeout)"
            )
        return min(wanted, left)

    @functools.cached_property
    def chosen_names(self) -> frozenset[str]:
        """Names the page gives (`--name web_server`): tables compare them as written."""
        return frozenset(self.dialect.chosen_names([c.text for b in self.page.blocks for c in b.commands]))

    def _run_block(self, block: Block) -> None:
        if block.kind in ("python", "teardown") or not block.runs:  # python: own item; teardown: finish()
            return
        if block.kind == "setup":
            self._hidden(block)
            return
        if block.kind == "script":
            # A script runs as a script file would, in a subshell of the page's shell: it sees the
            # page's folder and variables, and its `set -euo pipefail`, `exit` and `cd` end with it.
            command = block.commands[0]
            result, timeout = self._run_command(block, command, self.shell.run, f"(\n{command.text}\n)")
            self._check_status(block, command, result, timeout)
            return
        for command in block.commands:
            if block.directives.background:
                self._start_background(block, command)
            elif command.interactive:
                self._interactive(block, command)
            else:
                run = self.shell.run_on_terminal if command.terminal else self.shell.run
                result, timeout = self._run_command(block, command, run)
                self._check_status(block, command, result, timeout)
                self._settle(command)
                self._compare(block, command, self.rewriter.to_page(result.output))
                self._capture(block, command, result.output)
                self._record(block, command, result.output)

    def _run_command(
        self,
        block: Block,
        command: Command,
        run: Callable[[str, float], Result],
        text: str | None = None,
    ) -> tuple[Result, float]:
        """Run a command; if a host port it was given got taken in the meantime, with another
        (unless the page expects it to fail: it may be showing that very error).

        Returns the result and the timeout it had (less than the block's when the page's own
        timeout was running out)."""
        text = command.text if text is None else text
        publishes = bool(self._host_ports(text)) and block.directives.status == 0
        for attempt in range(PORT_RETRIES + 1):
            timeout = self._remaining(block.directives.timeout, command.line)
            undo = self.scope.attempt() if publishes else _nothing
            result = run(self._real(text, command.line), timeout)
            taken = (
                self._port_taken(result.output, command)
                if publishes and result.status not in (0, None)
                else None
            )
            if taken is None or attempt == PORT_RETRIES:
                break
            undo()
            self.rewriter.reassign(taken)
        return result, timeout

    def _host_ports(self, command: str) -> list[int]:
        return host_ports([command], dialect=self.dialect)

    def _port_taken(self, output: str, command: Command) -> int | None:
        """The real host port of `command` that the output says someone else holds (in the
        dialect's words): named in the error line (Docker, Node.js), or the command's only one
        (Python names none)."""
        ports = self.rewriter.ports
        mine = [ports[port] for port in self._host_ports(command.text) if port in ports]
        for line in output.splitlines():
            if not self.dialect.port_taken(line):
                continue
            named = [int(n) for n in re.findall(r"(?<![\w.])\d{2,5}(?!\w)", line) if int(n) in mine]
            if named:
                return named[0]
            if len(mine) == 1:
                return mine[0]
        return None

    def _settle(self, command: Command) -> None:
        """Wait, unseen, for what the command's CLI finishes after it returned (Dialect.settle).
        Waiting is all it does, so its outcome is not the page's: a failure is left to the
        next command's comparison, which shows what was really there."""
        script = self.dialect.settle(command.text)
        if script is not None:
            self.shell.run(script, self._remaining(SETTLE_SECONDS, command.line))

    def _hidden(self, block: Block) -> None:
        """A hidden setup step: it may clean up, never change a file a visible command reads."""
        command = block.commands[0]
        before = archives.snapshot(self.workdir)
        result = self.shell.run(
            self._real(command.text, command.line), self._remaining(block.directives.timeout)
        )
        changed = archives.changes(before, archives.snapshot(self.workdir))
        if changed:
            raise BlockFailure(
                _report(
                    block,
                    command,
                    "a hidden setup step changed the reader's files, so the visible commands after "
                    "it would act on something a reader never made:\n    " + "\n    ".join(changed[:20]),
                    hint="show that step as a visible command, or start the page from a download an "
                    "earlier page unpacked (front matter docstest.unpack); hidden steps may only clean up",
                )
            )
        if result.status != 0:
            raise BlockFailure(
                _report(
                    block,
                    command,
                    f"hidden {block.kind} step failed (exit status {result.status})",
                    output=self.rewriter.to_page(result.output),
                )
            )

    def _timed_out(self, directives: Directives, timeout: float) -> tuple[str, str]:
        """What ran out, the command's timeout or the page's, and what to do about it."""
        if timeout < directives.timeout - 0.5:
            return (
                f"the page ran out of time: it may take {self.page.options.timeout:.0f} s in all "
                f"(front matter docstest.timeout), and this command was interrupted with Ctrl+C "
                f"after the {timeout:.0f} s that were left",
                "raise docstest.timeout in the page's front matter if the page is just long",
            )
        return (
            f"timed out after {directives.timeout:.0f} s (interrupted with Ctrl+C)",
            "raise it with <!-- docstest: timeout=SECONDS --> if the command "
            "is just slow, or expect=timeout if it must never finish",
        )

    def _check_status(self, block: Block, command: Command, result: Result, timeout: float) -> None:
        """The exit status (or the timeout) is what the page says."""
        directives = block.directives
        output = self.rewriter.to_page(result.output)
        if result.status is None and not directives.expect_timeout:
            what, hint = self._timed_out(directives, timeout)
            raise BlockFailure(_report(block, command, what, output=output, hint=hint))
        if directives.expect_timeout and result.status is not None:
            raise BlockFailure(
                _report(
                    block,
                    command,
                    f"expected to still be running after {directives.timeout:.0f} s, "
                    f"but it exited with status {result.status}",
                    output=output,
                )
            )
        if result.status is not None and result.status != directives.status:
            taken = self._port_taken(result.output, command) if directives.status == 0 else None
            if taken is not None:
                raise BlockFailure(
                    _report(
                        block,
                        command,
                        f"another program held the host port this page's port was given ({taken}), "
                        f"{PORT_RETRIES + 1} times in a row",
                        output=output,
                        hint="not the page's fault: run again, with fewer pages at once (-n)",
                    )
                )
            raise BlockFailure(
                _report(
                    block,
                    command,
                    f"exit status {result.status}, expected {directives.status}",
                    output=output,
                    hint=f"if this status is right, say so with <!-- docstest: status={result.status} -->",
                )
            )

    def _compare(self, block: Block, command: Command, actual: str) -> None:
        expected_lines = [line.text for line in command.output]
        redactions = block.directives.redactions
        comparison = match.compare(
            "\n".join(expected_lines), actual, redactions, self.chosen_names, dialect=self.dialect
        )
        if comparison.ok:
            return
        if self.update:
            real_lines = actual.rstrip("\n").split("\n") if actual.strip() else []
            new = match.updated_expectation(
                expected_lines, real_lines, redactions, self.chosen_names, dialect=self.dialect
            )
            self.updates.append(PendingUpdate.for_command(block, command, new))
            return
        raise BlockFailure(
            _report(
                block,
                command,
                "output differs from the page",
                diff=comparison.diff(),
                normalised=self.dialect.normalised,
                hint=UPDATE_HINT.format(path=block.path),
            )
        )

    def _capture(self, block: Block, command: Command, actual: str) -> None:
        expected = "\n".join(o.text for o in command.output)
        for pattern in block.directives.captures:
            problem = self.rewriter.capture(pattern, expected, actual)
            if problem:
                raise BlockFailure(_report(block, command, problem, output=actual))

    def _record(self, block: Block, command: Command, actual: str) -> None:
        for name, pattern in block.directives.records:
            found = re.search(pattern, actual, re.M)
            if found is None:
                raise BlockFailure(
                    _report(
                        block,
                        command,
                        f"record {name}: '{pattern}' found nothing in the output",
                        output=actual,
                    )
                )
            self.record(name, found.group(1), str(block.path), command.line)

    def _interactive(self, block: Block, command: Command) -> None:
        directives = block.directives
        inputs = [step.text for step in command.steps if step.kind == "input"]
        prompt = directives.prompt
        timeout = self._remaining(directives.timeout, command.line)
        result = self.shell.run_interactive(self._real(command.text, command.line), inputs, prompt, timeout)
        output = self.rewriter.to_page(result.output)
        if result.status is None:
            what, hint = self._timed_out(directives, timeout)
            if timeout >= directives.timeout - 0.5:
                what = (
                    f"interactive program did not finish within {directives.timeout:.0f} s "
                    f"(waiting for the prompt {prompt!r} or for it to exit)"
                )
                hint = f"if its prompt is not {prompt!r}, say which with <!-- docstest: prompt='...' -->"
            raise BlockFailure(_report(block, command, what, output=output, hint=hint))
        if result.status != directives.status:
            early = ""
            if inputs and prompt.strip() not in result.output:
                early = ": it ended before its first input could be typed (no prompt appeared)"
            raise BlockFailure(
                _report(
                    block,
                    command,
                    f"exit status {result.status}, expected {directives.status}{early}",
                    output=output,
                    hint=f"if this status is right, say so with <!-- docstest: status={result.status} -->",
                )
            )
        shown = [_on_screen(step, prompt) for step in command.steps]
        comparison = match.compare(
            "\n".join(shown), output, directives.redactions, self.chosen_names, dialect=self.dialect
        )
        if not comparison.ok:
            raise BlockFailure(
                _report(
                    block,
                    command,
                    "the terminal shows something else than the page",
                    diff=comparison.diff(),
                    normalised=self.dialect.normalised,
                )
            )

    def _start_background(self, block: Block, command: Command) -> None:
        ready = block.directives.ready
        publishes = bool(self._host_ports(command.text))
        for attempt in range(PORT_RETRIES + 1):
            undo = self.scope.attempt() if publishes else _nothing
            job = self.shell.start_background(self._real(command.text, command.line), command.line)
            background = Background(block, command, job)
            self.backgrounds.append(background)
            if not ready:
                return
            problem = wait_ready(job, self.rewriter.to_real(ready), block.directives.ready_timeout)
            # A probe may pass on the other program that holds the port: look at the job too.
            taken = None if job.running() else self._port_taken(job.log_tail(50), command)
            if problem is None and taken is None:
                return
            if taken is None or attempt == PORT_RETRIES:
                raise BlockFailure(
                    _report(
                        block,
                        command,
                        f"background command never became ready ({ready}): "
                        f"{problem or 'it exited: its port was taken'}",
                        log=self.rewriter.to_page(job.log_tail()),
                        hint="not the page's fault: another program kept taking its port" if taken else "",
                    )
                )
            job.stop()
            self.backgrounds.remove(background)
            undo()
            self.rewriter.reassign(taken)

    # -- finishing -------------------------------------------------------------------

    def finish(self) -> None:
        """Stop servers and compare their logs; runs once, after the page's last block."""
        if self.finished:
            return
        self.finished = True
        problems = []
        for background in self.backgrounds:
            background.job.stop()
            if self.failed_at is not None:
                continue
            log = self.rewriter.to_page(background.job.log.read_text(errors="replace"))
            expected = [o.text for o in background.command.output]
            # A server's log goes on after the page's transcript: compare its beginning.
            comparison = match.compare(
                "\n".join([*expected, match.ELLIPSIS]),
                log,
                background.block.directives.redactions,
                dialect=self.dialect,
            )
            if comparison.ok:
                continue
            if self.update:
                real = log.rstrip("\n").split("\n")[: max(len(expected), 1)]
                self.updates.append(PendingUpdate.for_command(background.block, background.command, real))
            else:
                problems.append(
                    _report(
                        background.block,
                        background.command,
                        "the background command's output differs from the page",
                        diff=comparison.diff(),
                        normalised=self.dialect.normalised,
                        hint=UPDATE_HINT.format(path=background.block.path),
                    )
                )
        if self.failed_at is None:
            for url in self.page.options.leaves:
                left = archives.differences(self._archive(url, "leaves"), self.workdir)
                if left:
                    problems.append(
                        f"{self.page.path}:1: the page must leave the learner's folder as the download "
                        f"{url} holds (docstest.leaves), but at its end:\n    " + "\n    ".join(left[:20])
                    )
        for block in (b for b in self.page.blocks if b.kind == "teardown"):
            if not self.shell.alive():  # the block that ended the shell already said so
                break
            command = block.commands[0]
            result = self.shell.run(self._real(command.text, command.line), 120)
            if result.status != 0:
                problems.append(
                    _report(
                        block,
                        block.commands[0],
                        f"hidden teardown failed ({result.status})",
                        output=result.output,
                    )
                )
        if problems:
            raise BlockFailure("\n\n".join(problems))

    def close(self) -> list[str]:
        """Remove everything the page made; return notes on what could not be removed."""
        notes = []
        for background in self.backgrounds:  # still running only when the page was cut short
            background.job.stop()
        self.shell.close()
        try:
            notes += self.scope.finish()
        except Exception as error:  # report, but never leave the rest undone
            notes.append(f"cleanup of the page's environment failed: {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        _open_runs.discard(self)
        return notes


_open_runs: set[PageRun] = set()


def _nothing() -> None:
    """Nothing to tidy up: the command published no port, so it is not retried."""


_closing_at_exit = False


def _track(page_run: PageRun) -> None:
    """Close `page_run` at exit if it is still open. The atexit handler is registered when the
    first page starts, so after those of what a dialect set up before (a private engine's);
    atexit runs the last registered first: open pages are closed, then their engines stopped."""
    global _closing_at_exit
    if not _closing_at_exit:
        atexit.register(_close_open_runs)
        _closing_at_exit = True
    _open_runs.add(page_run)


def _close_open_runs() -> None:
    """A run interrupted mid-page (Ctrl+C, SIGTERM) never reaches the page's teardown: stop
    its shell and servers and remove its folder at exit (engines are stopped after this)."""
    for page_run in list(_open_runs):
        with contextlib.suppress(Exception):
            page_run.close()
        shutil.rmtree(page_run.tmp, ignore_errors=True)


VARIABLE = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}")


def _on_screen(step: Step, prompt: str) -> str:
    """An interactive transcript's line as the terminal shows it: input after its prompt;
    Ctrl+C and Ctrl+D leave the prompt alone on its line."""
    if step.kind != "input":
        return step.text
    return prompt.rstrip() if step.text in ("^C", "^D") else (prompt + step.text).rstrip()


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else prefix.rstrip() for line in text.rstrip("\n").split("\n"))


def _report(
    block: Block,
    command: Command,
    what: str,
    *,
    output: str | None = None,
    diff: str = "",
    log: str = "",
    hint: str = "",
    normalised: str = "",
) -> str:
    parts = [f"{block.path}:{command.line}: {what}", _indent("$ " + command.text.replace("\n", "\n  "))]
    if diff:
        after = f", after normalising {normalised}" if normalised else ""  # the dialect's redactions
        parts += [
            f"  expected (-) vs actual (+){after}"
            "\n  (a line the page's wildcards match is shown as the page has it):",
            _indent(diff),
        ]
    elif output is not None:
        parts += ["  output:", _indent(output.strip() or "(no output)")]
    if log:
        parts += ["  its log (last lines):", _indent(log)]
    if hint:
        parts.append(f"  hint: {hint}")
    return "\n".join(parts)
