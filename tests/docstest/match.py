"""Compare a command's real output with the page's expected output.

Both sides are normalised first (Docker's IDs, digests, times and sizes vary on every
run), then compared line by line: a line `...` matches any number of lines, `[..]` any
text within a line, a line ending in ` (re)` is a regular expression, and `docker ps` /
`docker images` tables are compared column by column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

ELLIPSIS = "..."
INLINE_WILDCARD = "[..]"

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
    (re.compile(r"\b[0-9a-f]{64}\b"), "[ID]"),
    (re.compile(r"\b(?=[0-9a-f]{12}\b)(?=[a-f]*\d)[0-9a-f]{12}\b"), "[ID]"),
    (re.compile(rf"\b{_TIME_AMOUNT} {_TIME_UNIT} ago\b"), "[AGO]"),
    (re.compile(rf"\bUp {_TIME_AMOUNT} {_TIME_UNIT}\b"), "Up [DURATION]"),
    (re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?(?:B|kB|KB|MB|GB|TB)\b"), "[SIZE]"),
    (re.compile(r"\bin \d+(?:\.\d+)?(?:ms|s|m)\b"), "in [TIME]"),  # npm: "added 71 packages in 2s"
]
TABLE_HEADERS = {
    "CONTAINER ID": {"NAMES": re.compile(r"^[a-z]+_[a-z]+$")},  # docker ps: generated names vary
    "REPOSITORY": {},  # docker images
}


def redact(text: str, extra: Iterable[str] = ()) -> str:
    for pattern in extra:
        text = re.sub(pattern, "[REDACTED]", text)
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
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


REGEX_SUFFIX = " (re)"  # cram/prysk style: the rest of the line is a regular expression


def _line_matches(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    if expected.endswith(REGEX_SUFFIX):
        try:
            return re.fullmatch(expected[: -len(REGEX_SUFFIX)], actual) is not None
        except re.error:
            return False
    if INLINE_WILDCARD not in expected:
        return False
    pattern = ".*".join(re.escape(part) for part in expected.split(INLINE_WILDCARD))
    return re.fullmatch(pattern, actual) is not None


def _columns(header: str) -> list[tuple[str, int]]:
    """Column names and start offsets of a Docker table header (columns split by 2+ spaces)."""
    return [(m.group(0), m.start()) for m in re.finditer(r"\S+(?: \S+)*", header)]


def _split_row(row: str, columns: list[tuple[str, int]]) -> list[str]:
    cells = []
    for index, (_, start) in enumerate(columns):
        end = columns[index + 1][1] if index + 1 < len(columns) else None
        cells.append(row[start:end].strip())
    return cells


def _normalise_table(lines: list[str], extra: list[str]) -> list[str] | None:
    """A Docker table as `cell | cell | ...` lines (cells split on the raw text, then redacted)."""
    header = lines[0] if lines else ""
    table = next((spec for key, spec in TABLE_HEADERS.items() if header.startswith(key)), None)
    if table is None:
        return None
    columns = _columns(header)
    result = [" | ".join(name for name, _ in columns)]
    for row in lines[1:]:
        if row == ELLIPSIS or not row.strip():
            result.append(row)
            continue
        cells = _split_row(row, columns)
        for index, (name, _) in enumerate(columns):
            generated = table.get(name)
            if generated is not None and generated.match(cells[index]):
                cells[index] = "[NAME]"
            else:
                cells[index] = redact(cells[index], extra)
        result.append(" | ".join(cells))
    return result


def normalise(text: str, extra: Iterable[str] = ()) -> list[str]:
    extra = list(extra)
    raw = [line.rstrip() for line in text.split("\n")]
    while raw and not raw[-1]:
        raw.pop()
    table = _normalise_table(raw, extra)
    if table is not None:
        return table
    return [line.rstrip() for line in redact("\n".join(raw), extra).split("\n")] if raw else []


def _match_lines(expected: list[str], actual: list[str]) -> bool:
    """Match with `...` lines as 'any number of lines' (memoised backtracking)."""
    memo: dict[tuple[int, int], bool] = {}

    def go(i: int, j: int) -> bool:
        key = (i, j)
        if key in memo:
            return memo[key]
        if i == len(expected):
            result = j == len(actual)
        elif expected[i] == ELLIPSIS:
            result = any(go(i + 1, k) for k in range(j, len(actual) + 1))
        else:
            result = j < len(actual) and _line_matches(expected[i], actual[j]) and go(i + 1, j + 1)
        memo[key] = result
        return result

    return go(0, 0)


@dataclass
class Comparison:
    ok: bool
    expected: list[str]  # normalised
    actual: list[str]  # normalised

    def diff(self) -> str:
        lines = difflib.unified_diff(
            self.expected, self.actual, "expected (page)", "actual", lineterm="", n=3
        )
        return "\n".join(lines)


def compare(expected: str, actual: str, extra: Iterable[str] = ()) -> Comparison:
    extra = list(extra)
    exp, act = normalise(expected, extra), normalise(actual, extra)
    return Comparison(_match_lines(exp, act), exp, act)


def updated_expectation(expected: list[str], actual: list[str], extra: Iterable[str] = ()) -> list[str]:
    """The page's expected lines, rewritten to match `actual` while keeping what still matches.

    Expected lines that match an actual line (wildcards and redactions included) stay as
    written; `...` stays where it can absorb lines; the rest is replaced with real output.
    Applying it twice changes nothing the second time, because the result matches.
    """
    extra = list(extra)
    if _match_lines(normalise("\n".join(expected), extra), normalise("\n".join(actual), extra)):
        return expected
    exp_n = [redact(line, extra).rstrip() for line in expected]
    act_n = [redact(line, extra).rstrip() for line in actual]
    # Best alignment of expected lines onto actual lines. A kept line is worth most; an
    # expected line replaced by the actual line in its place comes next (the page keeps its
    # shape); a line absorbed by `...` is worth least, so `...` never swallows a line that a
    # written line matches or stands for.
    keep, substitute, absorb = 1000, 10, 1
    n, m = len(expected), len(actual)
    best = [[0] * (m + 1) for _ in range(n + 1)]

    def moves(i: int, j: int) -> list[tuple[int, str]]:
        found = [(best[i + 1][j], "drop")] if i < n else []
        if j < m:
            found.append((best[i][j + 1], "emit"))
            if i < n and exp_n[i] == ELLIPSIS:
                found.append((best[i][j + 1] + absorb, "absorb"))
            elif i < n and _line_matches(exp_n[i], act_n[j]):
                found.append((best[i + 1][j + 1] + keep, "keep"))
            elif i < n:
                found.append((best[i + 1][j + 1] + substitute, "substitute"))
        return found

    for i in range(n, -1, -1):
        for j in range(m, -1, -1):
            options = moves(i, j)
            best[i][j] = max(score for score, _ in options) if options else 0
    result: list[str] = []
    i = j = 0
    absorbing = False
    while i < n or j < m:
        preference = {"keep": 0, "substitute": 1, "absorb": 2, "drop": 3, "emit": 4}
        _, move = min(
            ((score, name) for score, name in moves(i, j) if score == best[i][j]),
            key=lambda option: preference[option[1]],
        )
        if move == "keep":
            result.append(expected[i])
            i, j = i + 1, j + 1
        elif move == "substitute":
            result.append(actual[j])
            i, j = i + 1, j + 1
        elif move == "absorb":
            if not absorbing:
                result.append(expected[i])
                absorbing = True
            j += 1
        elif move == "drop":
            i, absorbing = i + 1, False
        else:
            result.append(actual[j])
            j += 1
    return result
