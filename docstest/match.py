"""Compare a command's real output with the page's expected output.

Both sides are normalised first (Docker's IDs, digests, times and sizes vary on every
run), then compared line by line with the page's wildcards (wildcards.py: `...`, `[..]`,
` (re)`); `docker ps` / `docker images` tables are compared column by column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .wildcards import ELLIPSIS, INLINE_WILDCARD, REGEX_SUFFIX, align, lines_match, toward_expected

__all__ = ["ELLIPSIS", "INLINE_WILDCARD", "REGEX_SUFFIX", "Comparison", "compare", "updated_expectation"]

# Order matters: digests before bare IDs, "ago" phrases before sizes.
_TIME_AMOUNT = r"(?:\d+|an?|About an?|Less than a)"
_TIME_UNIT = r"(?:second|minute|hour|day|week|month|year)s?"
REDACTIONS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"sha256:[0-9a-f]{64}"), "sha256:[DIGEST]"),
    # BuildKit's terminal view: a digest cut at the terminal's edge, the build's and each
    # step's duration (right-aligned: the padding before it varies with its width), and the
    # seconds-since-start before each line of a failed step's log.
    (re.compile(r"sha256:[0-9a-f]{12,63}(?![0-9a-f])"), "sha256:[DIGEST]"),
    (re.compile(r"(?m)^\[\+\] Building \d+(?:\.\d+)?s"), "[+] Building [TIME]"),
    (re.compile(r"(?m)^(\[\+\] Building .*?) {2,}(\S+)$"), r"\1 \2"),
    (re.compile(r"(?m)^( => .*?)\s+\d+(?:\.\d+)?s$"), r"\1 [TIME]"),
    (re.compile(r"(?m)^\d+\.\d{3} (?=\S)"), "[TIME] "),
    # Whether an unchanged base image step is shown as CACHED depends on timing.
    (re.compile(r"(?m)^ => CACHED (\[\d+/\d+\] FROM )"), r" => \1"),
    # A published port as a learner's Docker shows it (all IPv4 and IPv6 addresses) and as
    # the private engines publish it (loopback only, so test containers are not reachable
    # from the network): the same port mapping.
    (
        re.compile(r"(?:0\.0\.0\.0|127\.0\.0\.1):(\d+)->(\d+/(?:tcp|udp|sctp))(?:, \[::\]:\1->\2)?"),
        r"[HOST]:\1->\2",
    ),
    (re.compile(r"\b[0-9a-f]{64}\b"), "[ID]"),
    (re.compile(r"\b(?=[0-9a-f]{12}\b)(?=[a-f]*\d)[0-9a-f]{12}\b"), "[ID]"),
    (re.compile(rf"\b{_TIME_AMOUNT} {_TIME_UNIT} ago\b"), "[AGO]"),
    (re.compile(rf"\bUp {_TIME_AMOUNT} {_TIME_UNIT}\b"), "Up [DURATION]"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB)\b"), "[SIZE]"),
    (re.compile(r"\bin \d+(?:\.\d+)?(?:ms|s|m)\b"), "in [TIME]"),  # npm: "added 71 packages in 2s"
]
# docker ps: a name Docker generated (adjective_surname, a digit added on a retry) varies;
# one the page chose (`--name web_server`) is compared as written.
GENERATED_NAME = re.compile(r"^[a-z]+_[a-z]+\d?$")
TABLE_HEADERS = {
    "CONTAINER ID": {"NAMES": GENERATED_NAME},
    "REPOSITORY": {},  # docker images
}


def redact(text: str, extra: Iterable[str] = ()) -> str:
    """Built-in and the block's own redactions, except on ` (re)` lines: an author's regex is
    written against the real text, so redacting it first would break it."""
    lines = text.split("\n")
    kept = {index: line for index, line in enumerate(lines) if line.endswith(REGEX_SUFFIX)}
    for index in kept:
        lines[index] = f"\x00{index}\x00"
    text = "\n".join(lines)
    for pattern in extra:
        text = re.sub(pattern, "[REDACTED]", text)
    for compiled, replacement in REDACTIONS:
        text = compiled.sub(replacement, text)
    if kept:
        text = re.sub(r"\x00(\d+)\x00", lambda found: kept[int(found.group(1))], text)
    return _build_context_first(text)


_BUILD_CONTEXT = " => [internal] load build context"
_NUMBERED_STEP = re.compile(r"^ => (?:CACHED |ERROR |CANCELED )?\[\d+/\d+\] ")


def _build_context_first(text: str) -> str:
    """BuildKit lists steps by start time, and uploading the build context runs beside the
    first steps (FROM, WORKDIR): put that group before the first numbered step, on both sides."""
    if _BUILD_CONTEXT not in text:
        return text
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(_BUILD_CONTEXT))
    end = start + 1
    while end < len(lines) and lines[end].startswith(" => => "):
        end += 1
    group, rest = lines[start:end], lines[:start] + lines[end:]
    first = next((i for i, line in enumerate(rest) if _NUMBERED_STEP.match(line)), None)
    if first is None:
        return text
    return "\n".join(rest[:first] + group + rest[first:])


def _columns(header: str) -> list[tuple[str, int]]:
    """Column names and start offsets of a Docker table header (columns split by 2+ spaces)."""
    return [(m.group(0), m.start()) for m in re.finditer(r"\S+(?: \S+)*", header)]


def _split_row(row: str, columns: list[tuple[str, int]]) -> list[str]:
    cells = []
    for index, (_, start) in enumerate(columns):
        end = columns[index + 1][1] if index + 1 < len(columns) else None
        cells.append(row[start:end].strip())
    return cells


def _normalise_table(lines: list[str], extra: list[str], names: frozenset[str]) -> list[str] | None:
    """A Docker table as `cell | cell | ...` lines (cells split on the raw text, then redacted)."""
    header = lines[0] if lines else ""
    table = next((spec for key, spec in TABLE_HEADERS.items() if header.startswith(key)), None)
    if table is None:
        return None
    columns = _columns(header)
    result = [" | ".join(name for name, _ in columns)]
    for row in lines[1:]:
        if row == ELLIPSIS or not row.strip() or row.endswith(REGEX_SUFFIX):
            result.append(row)
            continue
        cells = _split_row(row, columns)
        for index, (name, _) in enumerate(columns):
            generated = table.get(name)
            if generated is not None and generated.match(cells[index]) and cells[index] not in names:
                cells[index] = "[NAME]"
            else:
                cells[index] = redact(cells[index], extra)
        result.append(" | ".join(cells))
    return result


def normalise(text: str, extra: Iterable[str] = (), names: Iterable[str] = ()) -> list[str]:
    """The lines of `text` as compared: redacted, a Docker table split into its cells."""
    return _normalised(text, list(extra), frozenset(names))[0]


def _normalised(text: str, extra: list[str], names: frozenset[str]) -> tuple[list[str], list[str] | None]:
    """Normalised lines, and the raw line behind each (None when redaction joined lines)."""
    raw = [line.rstrip() for line in text.split("\n")]
    while raw and not raw[-1]:
        raw.pop()
    table = _normalise_table(raw, extra, names)
    if table is not None:
        return table, raw
    if not raw:
        return [], []
    lines = [line.rstrip() for line in redact("\n".join(raw), extra).split("\n")]
    behind = _build_context_first("\n".join(raw)).split("\n")
    return lines, behind if len(behind) == len(lines) else None


@dataclass
class Comparison:
    ok: bool
    expected: list[str]  # normalised
    actual: list[str]  # normalised
    raw: list[str] | None = field(default=None, repr=False)  # the real lines behind `actual`

    def shown(self) -> list[str]:
        """The real lines as the diff shows them: a line the page matched reads as the page has it."""
        return toward_expected(self.expected, self.actual, align(self.expected, self.actual, self.raw))

    def diff(self) -> str:
        shown = self.shown()
        if shown == self.expected:  # cannot happen for a failed match; never show an empty diff
            shown = self.actual
        lines = difflib.unified_diff(self.expected, shown, "expected (page)", "actual", lineterm="", n=3)
        return "\n".join(lines)


def compare(expected: str, actual: str, extra: Iterable[str] = (), names: Iterable[str] = ()) -> Comparison:
    """`names`: container names the page chose, which a table compares as written."""
    extra, chosen = list(extra), frozenset(names)
    exp = _normalised(expected, extra, chosen)[0]
    act, raw = _normalised(actual, extra, chosen)
    return Comparison(lines_match(exp, act, raw), exp, act, raw)


def updated_expectation(
    expected: Sequence[str], actual: Sequence[str], extra: Iterable[str] = (), names: Iterable[str] = ()
) -> list[str]:
    """The page's expected lines, rewritten to match `actual` while keeping what still matches.

    Expected lines that match an actual line (wildcards and redactions included) stay as
    written, every `...` stays (it matches zero lines too), and the rest is replaced with
    the real lines. The result always matches `actual`, so applying it twice changes nothing.
    """
    extra, chosen = list(extra), frozenset(names)
    if compare("\n".join(expected), "\n".join(actual), extra, chosen).ok:
        return list(expected)
    actual = list(actual)
    while actual and not actual[-1].strip():  # as normalise drops them
        actual.pop()
    exp_n = [redact(line, extra).rstrip() for line in expected]
    act_n = [redact(line, extra).rstrip() for line in actual]
    result: list[str] = []
    for step in align(exp_n, act_n, [line.rstrip() for line in actual]):
        if step.move in ("keep", "pass"):
            result.append(expected[step.i])
        elif step.move in ("substitute", "emit"):
            result.append(actual[step.j])
    if compare("\n".join(result), "\n".join(actual), extra, chosen).ok:
        return result
    return list(actual)  # a redaction spanning lines defeated the line-by-line alignment
