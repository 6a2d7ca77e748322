"""What a page is made of, once parsed: blocks of commands with their expected output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class PageError(Exception):
    """A page the plugin cannot run as written: reported as `page.md:line: message`."""

    def __init__(self, path: Path | str, line: int, message: str, hint: str = "") -> None:
        self.path, self.line, self.message, self.hint = str(path), line, message, hint
        super().__init__(self.render())

    def render(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


@dataclass
class Directives:
    """Test directives of one block, from an HTML comment or fence attributes."""

    timeout: float = 120.0
    status: int = 0
    expect_timeout: bool = False
    background: bool = False
    ready: str | None = None  # http://..., tcp:PORT, log:REGEX
    ready_timeout: float = 60.0
    captures: list[str] = field(default_factory=list)  # regexes with one group
    redactions: list[str] = field(default_factory=list)  # extra regexes normalised on both sides
    records: list[tuple[str, str]] = field(default_factory=list)  # (name, regex with one group)
    interactive: bool | None = None  # None: as the dialect says (Docker: docker run -it ...)
    prompt: str = "> "
    terminal: bool | None = None  # None: as the dialect says (Docker: docker build, BuildKit's view)


@dataclass
class OutputLine:
    """One expected output line and where it stands in the page (for reports and updates)."""

    text: str
    line: int  # 1-based line number in the page


@dataclass
class Step:
    """Input typed into an interactive program at its prompt, or an expected output line."""

    kind: str  # "input" | "output"
    text: str
    line: int


@dataclass
class Command:
    text: str  # the command as the reader sees it (continuations joined with newlines)
    line: int
    output: list[OutputLine] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)  # interactive transcripts only
    interactive: bool = False
    terminal: bool = False  # run on the terminal and compare its final screen (no input typed)

    @property
    def first_line(self) -> str:
        return self.text.splitlines()[0] if self.text else ""


@dataclass
class Block:
    """A fenced block to execute (console/bash/python) or a hidden setup/teardown script."""

    path: Path
    line: int  # line of the opening fence (or of the comment)
    kind: str  # "console" | "script" | "python" | "setup" | "teardown"
    source: str
    indent: str  # the opening fence's indentation in the page (a tab's, a list item's): lines inside have it
    directives: Directives
    commands: list[Command] = field(default_factory=list)
    end_line: int = 0  # line of the closing fence
    containers: tuple[str, ...] = ()  # e.g. ('tab:한국어',) for parity checks
    fence_info: str = ""
    runs: bool = True  # False for a copy of a command in another language's tab

    @property
    def label(self) -> str:
        if self.kind in ("setup", "teardown"):
            return f"hidden {self.kind}"
        if self.commands:
            text = self.commands[0].first_line
        else:  # python blocks: their first line
            text = next(iter(self.source.strip().splitlines()), "")
        return f"{self.kind}: {text[:60]}"


@dataclass
class PageOptions:
    """Page-level settings from the front matter's `docstest:` mapping."""

    copy: list[str] = field(default_factory=list)  # repo folders copied in (maintainers' pages)
    unpack: list[str] = field(default_factory=list)  # zip URLs a learner has unpacked by now
    leaves: list[str] = field(default_factory=list)  # zip URLs the work folder must equal at the end
    engine: str = "worker"  # the dialect's scope: "worker" (shared) | "fresh" (Docker: own engine, no images)
    timeout: float = 1800.0


@dataclass
class Page:
    path: Path
    options: PageOptions
    blocks: list[Block]
    tab_sets: list[list[tuple[str, int, list[Block]]]]  # [(label, line, blocks in that tab)]
