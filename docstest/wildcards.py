"""How a page's expected lines match real lines, once both sides are normalised.

`...` alone on a line matches any number of lines (none included), `[..]` any text within a
line, and a line ending in ` (re)` is a regular expression for the whole line. `align` pairs
expected lines with real ones; the failure diff and --update-docs are both built on it, so
a line the page's wildcards matched is never shown (or rewritten) as a difference.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ELLIPSIS = "..."
INLINE_WILDCARD = "[..]"
REGEX_SUFFIX = " (re)"  # cram/prysk style: the rest of the line is a regular expression

# An alignment bigger than this (expected x actual lines) is done by difflib instead: the
# scoring table would take seconds, and a page that long is rare.
_MAX_CELLS = 1_000_000

Move = Literal["keep", "substitute", "absorb", "pass", "drop", "emit"]


@functools.lru_cache(maxsize=4096)
def _pattern(expected: str) -> re.Pattern[str] | None:
    """The compiled form of a `(re)` or `[..]` line (cached: a line is tried many times)."""
    if expected.endswith(REGEX_SUFFIX):
        return re.compile(expected[: -len(REGEX_SUFFIX)])  # checked when the page is parsed
    if INLINE_WILDCARD in expected:
        return re.compile(".*".join(re.escape(part) for part in expected.split(INLINE_WILDCARD)))
    return None


def regex_problem(expected: str) -> str | None:
    """Why a ` (re)` line is not a valid regular expression, or None (for parse-time checks)."""
    if not expected.endswith(REGEX_SUFFIX):
        return None
    try:
        re.compile(expected[: -len(REGEX_SUFFIX)])
    except re.error as error:
        return str(error)
    return None


def line_matches(expected: str, actual: str, raw: str | None = None) -> bool:
    """One expected line against one real line; a `(re)` line may also match the raw line
    (before IDs and times were normalised), so an author's own `[0-9a-f]{64} (re)` works."""
    if expected == actual:
        return True
    try:
        pattern = _pattern(expected)
    except re.error:
        return False
    if pattern is None:
        return False
    if pattern.fullmatch(actual) is not None:
        return True
    return raw is not None and expected.endswith(REGEX_SUFFIX) and pattern.fullmatch(raw) is not None


def _raw_at(raw: Sequence[str] | None, j: int) -> str | None:
    return raw[j] if raw is not None else None


def lines_match(expected: Sequence[str], actual: Sequence[str], raw: Sequence[str] | None = None) -> bool:
    """All of `expected` against all of `actual` (iterative: no recursion limit on long output).

    After each expected line, `reach` holds the j for which the lines so far consume exactly
    `actual[:j]`; after a `...` that is every j from `floor` on, kept as just that number.
    """
    m = len(actual)
    reach: set[int] = {0}
    floor: int | None = None
    for line in expected:
        if line == ELLIPSIS:
            lowest = min([*reach, *([floor] if floor is not None else [])], default=None)
            if lowest is None:
                return False
            reach, floor = set(), lowest
            continue
        candidates = reach if floor is None else reach.union(range(floor, m))
        reach = {j + 1 for j in candidates if j < m and line_matches(line, actual[j], _raw_at(raw, j))}
        floor = None
        if not reach:
            return False
    return m in reach or (floor is not None and floor <= m)


@dataclass(frozen=True)
class Step:
    move: Move
    i: int  # expected line (for keep, substitute, absorb, pass, drop)
    j: int  # actual line (for keep, substitute, absorb, emit)


# A kept line is worth most; an expected line replaced by the real line in its place comes
# next (the page keeps its shape); a line absorbed by `...` is worth least, so `...` never
# swallows a line that a written line matches or stands for. `pass` leaves a `...` in place:
# it matches zero lines, so keeping it is always right.
_SCORE: dict[Move, int] = {"keep": 1000, "substitute": 10, "absorb": 1, "pass": 0, "drop": 0, "emit": 0}
_PREFERENCE: dict[Move, int] = {"keep": 0, "substitute": 1, "absorb": 2, "pass": 3, "drop": 4, "emit": 5}


def align(expected: Sequence[str], actual: Sequence[str], raw: Sequence[str] | None = None) -> list[Step]:
    """The best pairing of expected lines with actual lines, as a list of moves in order."""

    def same(i: int, j: int) -> bool:
        return expected[i] != ELLIPSIS and line_matches(expected[i], actual[j], _raw_at(raw, j))

    # Lines that match at both ends are kept as they are; only the middle is scored.
    head, tail = 0, 0
    while head < min(len(expected), len(actual)) and same(head, head):
        head += 1
    while tail < min(len(expected), len(actual)) - head and same(
        len(expected) - 1 - tail, len(actual) - 1 - tail
    ):
        tail += 1
    n, m = len(expected) - tail, len(actual) - tail
    middle = (
        _difflib_steps(expected, actual, head, n, m)
        if (n - head) * (m - head) > _MAX_CELLS
        else _scored_steps(expected, actual, raw, head, n, m)
    )
    return (
        [Step("keep", k, k) for k in range(head)] + middle + [Step("keep", n + k, m + k) for k in range(tail)]
    )


def _scored_steps(
    expected: Sequence[str], actual: Sequence[str], raw: Sequence[str] | None, start: int, n: int, m: int
) -> list[Step]:
    """Moves for expected[start:n] against actual[start:m] with the best total score."""
    wild = [line == ELLIPSIS for line in expected[:n]]

    def pair(i: int, j: int) -> Move:
        return "keep" if line_matches(expected[i], actual[j], _raw_at(raw, j)) else "substitute"

    best = [[0] * (m + 1) for _ in range(n + 1)]
    pairs: dict[tuple[int, int], Move] = {}
    for i in range(n - 1, start - 1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m, start - 1, -1):
            value = below[j]  # pass (`...`) or drop
            if j < m:
                if wild[i]:
                    value = max(value, _SCORE["absorb"] + row[j + 1])
                else:
                    move = pairs[i, j] = pair(i, j)
                    value = max(value, row[j + 1], _SCORE[move] + below[j + 1])  # emit, keep/substitute
            row[j] = value
    steps: list[Step] = []
    i = j = start
    while i < n or j < m:
        options: list[tuple[Move, int, int]] = []
        if i == n:
            options.append(("emit", i, j + 1))
        elif wild[i]:
            options.append(("pass", i + 1, j))
            if j < m:
                options.append(("absorb", i, j + 1))
        else:
            options.append(("drop", i + 1, j))
            if j < m:
                options += [(pairs[i, j], i + 1, j + 1), ("emit", i, j + 1)]
        move, ni, nj = min(
            (option for option in options if _SCORE[option[0]] + best[option[1]][option[2]] == best[i][j]),
            key=lambda option: _PREFERENCE[option[0]],
        )
        steps.append(Step(move, i, j))
        i, j = ni, nj
    return steps


def _difflib_steps(expected: Sequence[str], actual: Sequence[str], start: int, n: int, m: int) -> list[Step]:
    """A plain alignment for very long outputs: equal lines kept, the rest replaced."""
    steps: list[Step] = []
    matcher = difflib.SequenceMatcher(None, list(expected[start:n]), list(actual[start:m]), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            steps += [Step("keep", start + i1 + k, start + j1 + k) for k in range(i2 - i1)]
            continue
        steps += [Step("drop", start + i, start + j1) for i in range(i1, i2)]
        steps += [Step("emit", start + i2, start + j) for j in range(j1, j2)]
    return steps


def toward_expected(expected: Sequence[str], actual: Sequence[str], steps: Sequence[Step]) -> list[str]:
    """`actual` written with the expected line wherever that line matched (snapbox's
    normalise-to-expected): a diff against `expected` then shows only real differences."""
    shown: list[str] = []
    for step in steps:
        if step.move in ("keep", "pass"):
            shown.append(expected[step.i])
        elif step.move in ("substitute", "emit"):
            shown.append(actual[step.j])
    return shown
