"""One real bash per page, driven through a terminal (pexpect), so `cd` and variables persist.

Ordinary commands are sourced into that shell with their output sent to a file (a learner's
copy-paste sees the same lines; no terminal control codes). Interactive commands
(`docker run -it node`) get the terminal itself: the runner types the transcript's input at
each prompt and renders what the program drew with a terminal emulator (pyte). Servers run
as background jobs with their output in a log file, and are stopped at page end.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pyte
from pyte.screens import wcwidth  # pyte's own (cached) measure, as its `display` uses

COLUMNS, ROWS = 160, 50
# The width of the terminal whose final screen `terminal` commands (docker build) show: what
# a learner's terminal of that width shows, stated in the author's guide and on the pages.
TERMINAL_COLUMNS = 100
# How long a program must draw nothing after its prompt before an input is typed at it.
PROMPT_QUIET = 0.25


class ShellDied(RuntimeError):
    """The page's shell ended (e.g. a command ran `exit`), so later blocks cannot run."""


@dataclass
class Result:
    output: str
    status: int | None  # None: still running when the timeout ended
    seconds: float


@dataclass
class BackgroundJob:
    command: str
    line: int
    pgid: int
    log: Path

    def running(self) -> bool:
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def stop(self, grace: float = 3) -> None:
        """Ctrl+C first (what a learner presses), then SIGTERM, then SIGKILL. A server that
        handles Ctrl+C ends within milliseconds; one that ignores it (a container's PID-1
        `node -e` server) would hold its page, or an interrupted run, for the whole grace."""
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 1), (signal.SIGKILL, 2)):
            if not self.running():
                return
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pgid, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and self.running():
                time.sleep(0.05)

    def log_tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return "(no output)"
        text = self.log.read_text(errors="replace").rstrip("\n").split("\n")
        return "\n".join(text[-lines:]) or "(no output)"


class PageShell:
    def __init__(self, workdir: Path, scratch: Path, env: dict[str, str]) -> None:
        self.scratch = scratch
        self.count = 0
        self.nonce = uuid.uuid4().hex[:10]
        env = {
            **env,
            "PS1": "",
            "PS2": "",
            "HISTFILE": "/dev/null",
            "TERM": "xterm",
            "COLUMNS": str(COLUMNS),
            "LINES": str(ROWS),
        }
        self.child = pexpect.spawn(
            "/bin/bash",
            ["--norc", "--noprofile", "-i"],
            cwd=str(workdir),
            env=env,
            encoding="utf-8",
            codec_errors="replace",
            dimensions=(ROWS, COLUMNS),
            echo=False,
            timeout=30,
            preexec_fn=_default_signals,
        )
        assert self.child.pid is not None  # spawn started bash
        self.pid: int = self.child.pid
        # pexpect waits 50 ms before every send (for old ttys); 20 commands would wait a second
        self.child.delaybeforesend = None
        # job control: each command is its own process group, so Ctrl+C reaches it, not bash
        self._sync("stty -echo; set +H -m; bind 'set enable-bracketed-paste off' 2>/dev/null")

    def _group(self) -> str:
        """The first group of what the last expect matched (a status or a pid after a marker)."""
        match = self.child.match
        assert isinstance(match, re.Match), match
        return match.group(1)

    def _before(self) -> str:
        """What came before the last match (or, after a timeout, what is in pexpect's buffer)."""
        return self.child.before or ""

    def _after(self) -> str:
        """The text the last expect matched."""
        after = self.child.after
        assert isinstance(after, str), after
        return after

    def _marker(self) -> str:
        self.count += 1
        return f"__DOCSTEST_{self.nonce}_{self.count}__"

    def _sync(self, line: str, timeout: float = 30) -> str:
        marker = self._marker()
        self.child.sendline(f'{line}; printf "\\n{marker} %s\\n" "$?"')
        self.child.expect(rf"{marker} (\d+)", timeout=timeout)
        return self._group()

    def _script(self, command: str) -> Path:
        path = self.scratch / f"command-{self.count + 1}.sh"
        path.write_text(command + "\n", encoding="utf-8")
        return path

    def alive(self) -> bool:
        return self.child.isalive()

    def run(self, command: str, timeout: float) -> Result:
        """Source `command` in the page's shell; output (stdout+stderr) goes to a file."""
        if not self.alive():
            raise ShellDied("the page's shell has ended")
        script = self._script(command)
        out = self.scratch / f"output-{self.count + 1}.txt"
        marker = self._marker()
        started = time.monotonic()
        self.child.sendline(f'. {script} </dev/null >{out} 2>&1; printf "\\n{marker} %s\\n" "$?"')
        index = self.child.expect([rf"{marker} (\d+)", pexpect.TIMEOUT, pexpect.EOF], timeout=timeout)
        seconds = time.monotonic() - started
        if index == 0:
            return Result(_read(out), int(self._group()), seconds)
        if index == 2:
            output = _read(out).strip()
            raise ShellDied(
                "the page's shell ended while running the command" + (f":\n{output}" if output else "")
            )
        self.interrupt()
        return Result(_read(out), None, seconds)

    def interrupt(self) -> None:
        """Ctrl+C the foreground command, as a learner would; kill it if that is not enough.

        Bash drops the rest of an interrupted command line, so a fresh marker is sent after.
        """
        for attempt in range(3):
            self.child.sendintr()
            if attempt == 2:
                self._kill_foreground_job()
            with contextlib.suppress(pexpect.TIMEOUT):
                self._sync("true", timeout=5)
                return
        raise ShellDied("a command did not stop after Ctrl+C and SIGKILL")

    def _kill_foreground_job(self) -> None:
        """SIGKILL the terminal's foreground process group, unless that is the shell itself."""
        with contextlib.suppress(OSError):
            foreground = os.tcgetpgrp(self.child.child_fd)
            if foreground != os.getpgid(self.pid):
                os.killpg(foreground, signal.SIGKILL)

    def start_background(self, command: str, line: int) -> BackgroundJob:
        script = self._script(command)
        log = self.scratch / f"background-{self.count + 1}.log"
        marker = self._marker()
        # disown: the job is the runner's, not the reader's, so bash must not report it ("[1]+ Done
        # ...") in a later command's output when it ends; it keeps its own process group.
        self.child.sendline(
            f'( . {script} ) </dev/null >{log} 2>&1 & disown; printf "\\n{marker} %s\\n" "$!"'
        )
        self.child.expect(rf"{marker} (\d+)", timeout=30)
        return BackgroundJob(command, line, int(self._group()), log)

    def run_interactive(self, command: str, inputs: list[str], prompt: str, timeout: float) -> Result:
        """Run `command` on the terminal, typing each input at the next prompt; `^C` is Ctrl+C."""
        script = self._script(command)
        marker = self._marker()
        with contextlib.suppress(pexpect.TIMEOUT):
            self.child.read_nonblocking(100_000, timeout=0.1)  # drop job notices and the like
        started = time.monotonic()
        # The page's shell keeps echo off; the program gets a terminal that echoes, as a reader's does.
        self.child.sendline(
            f'stty echo; . {script}; status=$?; stty -echo; printf "\\n{marker} %s\\n" "$status"'
        )
        transcript = ""
        status: int | None = None
        ended = rf"{marker} (\d+)"
        deadline = started + timeout
        try:
            for text in inputs:
                # A program that ends before its prompt (`docker run -it nod`: no such image) ends
                # the wait at once, with its exit status.
                transcript, status = self._await_prompt(transcript, prompt, ended, deadline)
                if status is not None:
                    break
                if text == "^C":
                    self.child.sendintr()
                elif text == "^D":
                    self.child.sendeof()
                else:
                    self.child.send(text + "\r")
            if status is None:
                self.child.expect(ended, timeout=timeout)
                transcript += self._before()
                status = int(self._group())
        except pexpect.TIMEOUT:
            transcript += self._before()
            self.interrupt()
        except pexpect.EOF as error:
            raise ShellDied("the page's shell ended during an interactive command") from error
        return Result(render_terminal(_without_markers(transcript)), status, time.monotonic() - started)

    def _await_prompt(
        self, transcript: str, prompt: str, ended: str, deadline: float
    ) -> tuple[str, int | None]:
        """Wait until the program waits for input: its prompt at the cursor, on a line of its own,
        and nothing more drawn for a moment; or until it ended (then its status).

        The prompt's text alone is not enough: a busy program may draw it again over a line
        being typed, or before the output of the line just entered, and an input typed then
        lands in the wrong place (seen on a loaded machine: Node's REPL got `^C` before it had
        printed `2`, so the page's last `^C` never ended it).
        """
        while True:
            remaining = max(0.0, deadline - time.monotonic())
            if self.child.expect([re.escape(prompt), ended], timeout=remaining) == 1:
                return transcript + self._before(), int(self._group())
            transcript += self._before() + self._after()
            while waiting_at_prompt(transcript + self.child.buffer, prompt) and time.monotonic() < deadline:
                seen = len(self.child.buffer)
                self.child.expect([pexpect.TIMEOUT], timeout=PROMPT_QUIET)  # reads on, takes nothing
                if len(self.child.buffer) == seen:
                    if seen:  # what followed the prompt (a cursor move): taken, as a match takes it
                        self.child.expect(r"(?s).+", timeout=0)
                        transcript += self._before() + self._after()
                    return transcript, None
            if time.monotonic() >= deadline:
                raise pexpect.TIMEOUT("no prompt to type at")

    def run_on_terminal(self, command: str, timeout: float, columns: int = TERMINAL_COLUMNS) -> Result:
        """Run `command` on a terminal `columns` wide and return what its screen shows at the end.

        BuildKit redraws its progress in place; a learner sees only the final screen, so that
        is what the page shows. After the timeout the command gets Ctrl+C, as a learner would
        press it, and the screen after that is returned with status None.
        """
        script = self._script(command)
        marker = self._marker()
        with contextlib.suppress(pexpect.TIMEOUT):
            self.child.read_nonblocking(100_000, timeout=0.1)  # drop job notices and the like
        started = time.monotonic()
        self.child.setwinsize(ROWS, columns)
        self.child.sendline(
            f'stty echo; . {script}; status=$?; stty -echo; printf "\\n{marker} %s\\n" "$status"'
        )
        status: int | None = None
        try:
            index = self.child.expect([rf"{marker} (\d+)", pexpect.TIMEOUT], timeout=timeout)
            transcript = self._before()  # after a timeout, still in pexpect's buffer
            if index == 0:
                status = int(self._group())
            else:
                self.child.sendintr()
                with contextlib.suppress(pexpect.TIMEOUT):
                    self.child.expect(rf"{marker} (\d+)", timeout=30)
                    transcript = self._before()  # everything since the command started
                    return Result(render_terminal(transcript, columns), None, time.monotonic() - started)
                transcript = self.child.before or transcript
                self.interrupt()
        except pexpect.EOF as error:
            raise ShellDied("the page's shell ended during a terminal command") from error
        finally:
            self.child.setwinsize(ROWS, COLUMNS)
        return Result(render_terminal(transcript, columns), status, time.monotonic() - started)

    def close(self) -> None:
        """End the shell and everything it started; a busy shell is killed, not waited on."""
        if self.alive() and not self._busy():
            with contextlib.suppress(Exception):
                self.child.sendline("exit")
                self.child.expect(pexpect.EOF, timeout=2)
        _kill_session(self.pid)  # jobs in their own process groups, a hung command
        with contextlib.suppress(Exception):
            self.child.close(force=True)

    def _busy(self) -> bool:
        """Whether a command holds the terminal (the shell would not read `exit`)."""
        try:
            return os.tcgetpgrp(self.child.child_fd) != os.getpgid(self.pid)
        except OSError:
            return False


def _kill_session(sid: int) -> None:
    """SIGKILL every process of the page shell's session (the shell leads it: it is its pty's)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == sid:  # field 6 of /proc/PID/stat: the session id
                os.kill(int(stat.parent.name), signal.SIGKILL)


def _default_signals() -> None:
    """Give the page's shell default signal handling, as a terminal's shell has.

    A test run started in the background (`cmd &`, some CI runners) inherits SIGINT and
    SIGQUIT as *ignored*, and bash passes that on: Ctrl+C would then stop nothing.
    """
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def waiting_at_prompt(stream: str, prompt: str, columns: int = COLUMNS) -> bool:
    """Whether, after `stream`, the terminal's cursor stands right after `prompt` at the start
    of a line with nothing typed after it: where a program waits for the next input."""
    screen = pyte.Screen(columns, 2000)
    pyte.Stream(screen).feed(stream)
    line = _row(screen, screen.cursor.y)
    return line[: screen.cursor.x].rstrip() == prompt.rstrip() and not line[screen.cursor.x :].strip()


def _row(screen: pyte.Screen, y: int) -> str:
    """Row `y` of the screen as pyte's `display` draws it (a wide character's stub cell skipped).
    `display` draws all 2,000 rows; the suite asked for one or a few about a thousand times a
    page, which was a fifth of a Docker page's CPU time in docstest."""
    cells, out, wide = screen.buffer[y], [], False
    for x in range(screen.columns):
        if wide:
            wide = False
            continue
        char = cells[x].data  # empty where a wide character was half overwritten (pyte's
        wide = bool(char) and wcwidth(char[0]) == 2  # `display` fails there, a terminal shows a blank)
        out.append(char)
    return "".join(out)


def render_terminal(stream: str, columns: int = COLUMNS) -> str:
    """What a terminal shows after `stream` (cursor moves, colours and erasures applied)."""
    screen = pyte.Screen(columns, 2000)
    pyte.Stream(screen).feed(stream.replace("\r\n", "\r\n"))
    lines = [_row(screen, y).rstrip() for y in range(screen.cursor.y + 1)]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_MARKER_LINE = re.compile(r"[^\r\n]*__DOCSTEST_[0-9a-f]+_\d+__[^\r\n]*(?:\r?\n)?")


def _without_markers(transcript: str) -> str:
    """The runner's own sync lines are never part of what a program showed."""
    return _MARKER_LINE.sub("", transcript)


def _read(path: Path) -> str:
    """A command's output as a page shows it: colour codes (the legacy builder colours
    a failing step's errors even in a file) are dropped, like a reader never sees them."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return ANSI.sub("", text)


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # probes are local


def _http_answers(url: str) -> bool:
    """Any HTTP answer below 500 counts: the server is up (the stdlib keeps this plugin lean)."""
    try:
        with _NO_PROXY.open(url, timeout=1) as response:
            status: int = response.status
            return status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (OSError, http.client.HTTPException):
        return False


def wait_ready(job: BackgroundJob, ready: str, timeout: float) -> str | None:
    """Wait until the job's readiness probe passes; return None, or why it never did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not job.running():
            return "the command exited before it was ready"
        if ready.startswith("log:"):
            if re.search(ready[4:], job.log.read_text(errors="replace") if job.log.exists() else ""):
                return None
        elif ready.startswith("tcp:"):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", int(ready[4:])), 0.5):
                return None
        elif _http_answers(ready):
            return None
        time.sleep(0.2)
    return f"not ready after {timeout:.0f} s"
