"""Read a Markdown page into executable blocks, with markdown-it and a container pre-pass.

Material's content tabs (`=== "한국어"`), admonitions (`!!! note`) and details (`??? tip`)
nest their content by indentation, which CommonMark would read as indented code. The
pre-pass unwraps them in place (same line numbers, bodies dedented, header lines blanked)
and remembers which container each line sits in; markdown-it then parses the result, so
fences, HTML comments and front matter are found by a real Markdown parser.
"""

from __future__ import annotations

import difflib
import math
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .dialect import PLAIN, Dialect
from .model import Block, Command, Directives, OutputLine, Page, PageError, PageOptions, Step
from .wildcards import regex_problem

CONSOLE_LANGS = {"console", "shell-session"}
SCRIPT_LANGS = {"bash", "sh", "shell"}
PYTHON_LANGS = {"py", "python", "python3"}
CONTAINER = re.compile(r'^(===[!+]?|!!!|\?\?\?\+?)\s*(?:([\w-]+)\s*)?(?:"([^"]*)")?\s*$')
FENCE = re.compile(r"^(`{3,}|~{3,})")
DIRECTIVE = re.compile(r"^<!--\s*docstest\s*:(?P<body>.*?)-->\s*$", re.S)
HIDDEN = re.compile(r"^<!--\s*docstest\s*:\s*(?P<kind>setup|teardown)\s*\n(?P<body>.*?)-->\s*$", re.S)
DIRECTIVE_KEYS = {
    "timeout": "seconds a command may run (default 120)",
    "status": "the exit status the command must return (default 0)",
    "expect": "'timeout': the command must still be running when the timeout ends",
    "background": "run the (single) command in the background, e.g. a server",
    "ready": "with background: http://URL, tcp:PORT or log:REGEX to wait for",
    "ready-timeout": "seconds to wait for `ready` (default 60)",
    "capture": "regex with one group: page value -> real value in later commands",
    "redact": "regex normalised on both sides of this block's output",
    "record": "NAME=REGEX with one group: hand the real value to the project (a figure its pages state)",
    "interactive": "run under a terminal and type the transcript's input lines",
    "prompt": "the interactive program's prompt (default '> ')",
    "terminal": "run on a terminal and compare its final screen (default: the dialect's, e.g. docker build)",
}
RECORD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
PAGE_KEYS = {f.name for f in fields(PageOptions)}


@dataclass
class Unwrapped:
    text: str  # the page with container headers blanked and bodies dedented
    containers: list[tuple[str, ...]]  # per line: the containers it sits in
    indents: list[str]  # per line: the indentation removed
    tab_headers: list[tuple[int, int, str, int]]  # (line, depth, label, set id)


def unwrap_containers(source: str) -> Unwrapped:
    lines = source.split("\n")
    out: list[str] = []
    containers: list[tuple[str, ...]] = []
    indents: list[str] = []
    tab_headers: list[tuple[int, int, str, int]] = []
    # (body indent, "tab:label" | "admonition:type" | "folded:type" for a closed `???` box)
    stack: list[tuple[int, str]] = []
    fence: str | None = None
    set_id, last_tab_end = 0, (-1, -1)  # (depth, line) where the previous tab body ended
    for number, line in enumerate(lines, 1):
        if not line.strip():
            out.append("")
            containers.append(tuple(name for _, name in stack))
            indents.append(" " * (stack[-1][0] if stack else 0))
            continue
        width = len(line) - len(line.lstrip(" "))
        if fence is None:
            while stack and width < stack[-1][0]:
                _, name = stack.pop()
                if name.startswith("tab:"):
                    last_tab_end = (len(stack), number)
        base = stack[-1][0] if stack else 0
        text = line[base:] if width >= base else line.lstrip(" ")
        if fence is not None:
            if text.startswith(fence) and not text.strip(fence[0]).strip():
                fence = None
        elif match := FENCE.match(text):
            fence = match.group(1)
        elif match := CONTAINER.match(text):
            kind = match.group(1)
            if kind.startswith("==="):
                label = match.group(3) or match.group(2) or ""
                depth = len(stack)
                # A tab right after another tab's body at the same depth continues its set
                # (as pymdownx.tabbed renders it), unless written `===!`.
                continues = (
                    kind != "===!"
                    and last_tab_end[0] == depth
                    and _only_blank_between(out, last_tab_end[1], number)
                )
                if not continues:
                    set_id += 1
                tab_headers.append((number, depth, label, set_id))
                name = f"tab:{label}"
            else:
                name = f"{'folded' if kind == '???' else 'admonition'}:{match.group(2) or ''}"
            stack.append((base + 4, name))
            out.append("")
            containers.append(tuple(n for _, n in stack))
            indents.append(" " * base)
            continue
        out.append(text)
        containers.append(tuple(name for _, name in stack))
        indents.append(" " * base)
    return Unwrapped("\n".join(out), containers, indents, tab_headers)


def _only_blank_between(out: list[str], start: int, end: int) -> bool:
    return start > 0 and all(not line.strip() for line in out[start - 1 : end - 1])


def parse_directives(body: str, path: Path, line: int, base: Directives | None = None) -> Directives:
    """Parse `key=value` words (shell quoting) into Directives, or fail naming page:line."""
    directives = base or Directives()
    try:
        words = shlex.split(body, comments=False)
    except ValueError as error:
        raise PageError(
            path,
            line,
            f"cannot read the docstest directive: {error}",
            "quote values with spaces: capture='Successfully built (\\w+)'",
        ) from None
    for word in words:
        key, has_value, value = word.partition("=")
        if key not in DIRECTIVE_KEYS:
            known = "\n    ".join(f"{k}: {v}" for k, v in DIRECTIVE_KEYS.items())
            raise PageError(
                path,
                line,
                f"unknown docstest directive {key!r}{_did_you_mean(key, DIRECTIVE_KEYS)}",
                f"known directives:\n    {known}",
            )
        try:
            _apply(directives, key, value if has_value else None)
        except (ValueError, re.error) as error:
            raise PageError(path, line, f"bad value for docstest directive {key!r}: {error}") from None
    if directives.ready and not directives.background:
        raise PageError(path, line, "`ready` only makes sense with `background`")
    return directives


def _did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _seconds(text: str) -> float:
    """A positive, finite number of seconds (`timeout=abc`, `0` or `inf` is a page error)."""
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{text!r}: seconds must be a positive number")
    return seconds


def _switch(key: str, value: str | None) -> bool:
    """`interactive`, `interactive=true`, `terminal=false`; anything else is a mistake."""
    if value is None or value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ValueError(f"{key} takes true or false, not {value!r}")


def _apply(d: Directives, key: str, value: str | None) -> None:
    def need() -> str:
        if value is None or value == "":
            raise ValueError(f"{key}=VALUE expected")
        return value

    if key == "timeout":
        d.timeout = _seconds(need())
    elif key == "status":
        try:
            d.status = int(need())
        except ValueError:
            raise ValueError(f"status takes an exit status 0-255, not {value!r}") from None
        if not 0 <= d.status <= 255:
            raise ValueError(f"an exit status is 0-255, not {d.status}")
    elif key == "expect":
        if need() != "timeout":
            raise ValueError("the only expectation is expect=timeout")
        d.expect_timeout = True
    elif key == "background":
        d.background = True
    elif key == "ready":
        ready = need()
        if not re.match(r"^(https?://\S+|tcp:\d+|log:.+)$", ready):
            raise ValueError("use http://HOST:PORT/PATH, tcp:PORT or log:REGEX")
        if ready.startswith("log:"):
            re.compile(ready[4:])
        if ready.startswith("tcp:") and not 0 < int(ready[4:]) <= 65535:
            raise ValueError(f"{ready[4:]} is not a TCP port (1-65535)")
        d.ready = ready
    elif key == "ready-timeout":
        d.ready_timeout = _seconds(need())
    elif key in ("capture", "redact"):
        pattern = re.compile(need(), re.M)
        if key == "capture" and pattern.groups != 1:
            raise ValueError(f"capture needs exactly one group (...), this has {pattern.groups}")
        (d.captures if key == "capture" else d.redactions).append(need())
    elif key == "record":
        name, equals, regex = need().partition("=")
        if not equals or not RECORD_NAME.match(name):
            raise ValueError(f"record takes NAME=REGEX with NAME like build_seconds, not {value!r}")
        if re.compile(regex, re.M).groups != 1:
            raise ValueError(f"record {name} needs a regex with exactly one group (...)")
        d.records.append((name, regex))
    elif key == "interactive":
        d.interactive = _switch(key, value)
    elif key == "prompt":
        d.prompt = need()
    elif key == "terminal":
        d.terminal = _switch(key, value)


def parse_fence_info(info: str, path: Path, line: int) -> tuple[str, str]:
    """Language and docstest attribute words of a fence: ```console or ``` { .console ... }."""
    info = info.strip()
    if not info.startswith("{"):
        return (info.split()[0] if info else ""), ""
    if not info.endswith("}"):
        raise PageError(path, line, f"fence attributes must end with '}}': {info!r}")
    try:
        words = shlex.split(info[1:-1])
    except ValueError as error:
        raise PageError(path, line, f"cannot read fence attributes {info!r}: {error}") from None
    lang = next((w[1:] for w in words if w.startswith(".")), "")
    directive_words = [w[len("docstest-") :] for w in words if w.startswith("docstest-")]
    return lang, " ".join(shlex.quote(w) for w in directive_words)


def parse_transcript(block: Block, start_line: int, dialect: Dialect = PLAIN) -> list[Command]:
    commands: list[Command] = []
    lines = block.source.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        raw, number = lines[index], start_line + index
        if raw.startswith("$ ") or raw == "$":
            text = raw[2:]
            while text.endswith("\\") and index + 1 < len(lines):
                index += 1
                follow = lines[index]
                text += "\n" + (follow[2:] if follow.startswith("> ") else follow)
            commands.append(Command(text=text, line=number))
        elif not commands:
            raise PageError(
                block.path,
                number,
                "output before the first command of a console block",
                "start each command with '$ ' (dollar and space)",
            )
        else:
            problem = regex_problem(raw)
            if problem:
                raise PageError(
                    block.path,
                    number,
                    f"this ` (re)` line is not a valid regular expression: {problem}",
                    "escape the characters that are literal (\\[ \\( \\.), or drop ` (re)`",
                )
            commands[-1].output.append(OutputLine(raw, number))
        index += 1
    for command in commands:
        interactive = block.directives.interactive
        command.interactive = dialect.interactive(command.text) if interactive is None else interactive
        terminal = block.directives.terminal
        command.terminal = not command.interactive and (
            dialect.terminal(command.text) if terminal is None else terminal
        )
        if command.interactive:
            prompt = block.directives.prompt
            for out in command.output:
                if out.text.startswith(prompt) or out.text == prompt.rstrip():
                    command.steps.append(Step("input", out.text[len(prompt) :], out.line))
                else:
                    command.steps.append(Step("output", out.text, out.line))
    if block.directives.background and len(commands) != 1:
        raise PageError(
            block.path,
            block.line,
            "a background block holds exactly one command",
            "put the server command alone in its block",
        )
    return commands


def parse_page(path: Path, display: str | None = None, dialect: Dialect = PLAIN) -> Page:
    """All executable blocks of a page, in order, with their directives checked; `dialect`
    says which commands take the terminal (`docker run -it`) when a block does not."""
    shown = Path(display) if display else path
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise PageError(shown, 1, f"the page is not UTF-8 text: {error}") from None
    return parse_source(source, shown, dialect)


def _fence_indent(source_lines: list[str], line: int) -> str:
    """The indentation of a fence's opening line in the page (a tab's, a list item's...):
    --update-docs writes expected output back with it, or the fence would end early."""
    text = source_lines[line - 1] if 0 < line <= len(source_lines) else ""
    return text[: len(text) - len(text.lstrip(" \t"))]


def parse_source(source: str, shown: Path, dialect: Dialect = PLAIN) -> Page:
    """All executable blocks of a page's text (`shown` names the page in errors)."""
    source_lines = source.split("\n")
    unwrapped = unwrap_containers(source)
    md = MarkdownIt("commonmark").use(front_matter_plugin)
    tokens = md.parse(unwrapped.text)
    options = PageOptions()
    blocks: list[Block] = []
    pending: tuple[Directives, int] | None = None
    for token in tokens:
        if token.map is None:
            continue
        first = token.map[0] + 1  # 1-based
        if token.type == "front_matter":
            options = _page_options(token.content, shown)
            continue
        if token.type == "html_block":
            content = token.content.strip()
            if hidden := HIDDEN.match(content):
                blocks.append(
                    Block(
                        shown,
                        first,
                        hidden["kind"],
                        hidden["body"],
                        unwrapped.indents[first - 1],
                        Directives(),
                        [Command(hidden["body"].strip(), first + 1)],
                        end_line=token.map[1],
                        containers=unwrapped.containers[first - 1],
                    )
                )
                continue
            if directive := DIRECTIVE.match(content):
                if pending:
                    raise PageError(shown, pending[1], "docstest directive not followed by a code block")
                pending = (parse_directives(directive["body"], shown, first), first)
                continue
            if content.startswith("<!--") and "docstest" in content.split("\n")[0]:
                raise PageError(
                    shown,
                    first,
                    "malformed docstest comment",
                    "write <!-- docstest: key=value --> before a fence, "
                    "or <!-- docstest:setup (newline) commands (newline) -->",
                )
            continue
        if token.type != "fence":
            if pending and token.type not in ("paragraph_close", "inline"):
                raise PageError(
                    shown,
                    pending[1],
                    "docstest directive not followed by a code block",
                    "put the comment right above the ``` fence it is for",
                )
            continue
        lang, attr_words = parse_fence_info(token.info, shown, first)
        directives = pending[0] if pending else Directives()
        if attr_words:
            directives = parse_directives(attr_words, shown, first, directives)
        pending = None
        if lang in CONSOLE_LANGS or lang in SCRIPT_LANGS:
            kind = "console" if lang in CONSOLE_LANGS or _looks_like_transcript(token.content) else "script"
        elif lang in PYTHON_LANGS:
            kind = "python"
        else:
            continue
        block = Block(
            shown,
            first,
            kind,
            token.content,
            _fence_indent(source_lines, first),
            directives,
            end_line=token.map[1],
            containers=unwrapped.containers[first - 1],
            fence_info=token.info,
        )
        if kind == "console":
            block.commands = parse_transcript(block, first + 1, dialect)
            if not block.commands:
                raise PageError(shown, first, "console block without a `$ ` command")
        elif kind == "script":
            block.commands = [Command(token.content.rstrip("\n"), first + 1)]
        blocks.append(block)
    if pending:
        raise PageError(shown, pending[1], "docstest directive not followed by a code block")
    return Page(shown, options, blocks, _tab_sets(unwrapped, blocks))


def _looks_like_transcript(content: str) -> bool:
    return any(line.startswith("$ ") for line in content.splitlines())


def _page_options(text: str, path: Path) -> PageOptions:
    try:
        meta = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise PageError(path, 1, f"front matter is not valid YAML: {error}") from None
    raw = meta.get("docstest") if isinstance(meta, dict) else None
    if raw is None:
        return PageOptions()
    if not isinstance(raw, dict):
        raise PageError(
            path, 1, f"front matter `docstest:` must be a mapping of {sorted(PAGE_KEYS)}, not {raw!r}"
        )
    for key in raw:
        if key not in PAGE_KEYS:
            raise PageError(
                path,
                1,
                f"front matter `docstest:` has no setting {key!r}{_did_you_mean(str(key), PAGE_KEYS)}",
                f"the settings are {', '.join(sorted(PAGE_KEYS))}",
            )
    options = PageOptions(**raw)
    for name in ("copy", "unpack", "leaves"):
        value = getattr(options, name)
        if isinstance(value, str):
            setattr(options, name, [value])
        elif not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            raise PageError(path, 1, f"docstest.{name} takes a list of strings, not {value!r}")
    for folder in options.copy:
        if Path(folder).is_absolute() or ".." in Path(folder).parts:
            raise PageError(path, 1, f"docstest.copy takes folders inside the repository, not {folder!r}")
    if options.engine not in ("worker", "fresh"):
        raise PageError(path, 1, f"docstest.engine must be 'worker' or 'fresh', not {options.engine!r}")
    timeout = options.timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout < math.inf:
        raise PageError(
            path, 1, f"docstest.timeout takes the page's seconds (a positive number), not {timeout!r}"
        )
    options.timeout = float(timeout)
    return options


def _tab_sets(unwrapped: Unwrapped, blocks: list[Block]) -> list[list[tuple[str, int, list[Block]]]]:
    sets: dict[int, list[tuple[str, int, list[Block]]]] = {}
    for line, depth, label, set_id in unwrapped.tab_headers:
        inside = [
            b
            for b in blocks
            if len(b.containers) > depth
            and b.containers[depth] == f"tab:{label}"
            and _belongs(unwrapped, b.line, line)
        ]
        sets.setdefault(set_id, []).append((label, line, inside))
    return list(sets.values())


def _belongs(unwrapped: Unwrapped, block_line: int, header_line: int) -> bool:
    """True if the block sits in the tab whose header is at `header_line` (nearest header above)."""
    headers = [h for h, *_ in unwrapped.tab_headers if h < block_line]
    return bool(headers) and headers[-1] == header_line
