"""Compare a command's real output with the page's expected output.

Both sides are normalised first (the block's `redact=` patterns, then the dialect's: Docker's
IDs, digests, times and sizes vary on every run), then compared line by line with the page's
wildcards (wildcards.py: `...`, `[..]`, ` (re)`); a table the dialect knows (`docker ps`,
`docker images`) is compared column by column.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .dialect import PLAIN, Dialect
from .wildcards import ELLIPSIS, INLINE_WILDCARD, REGEX_SUFFIX, align, lines_match, toward_expected

__all__ = [
    "ELLIPSIS",
    "INLINE_WILDCARD",
    "REGEX_SUFFIX",
    "Comparison",
    "compare",
    "normalise",
    "redact",
    "updated_expectation",
]


def redact(text: str, extra: Iterable[str] = (), *, dialect: Dialect = PLAIN) -> str:
    """The block's own and the dialect's redactions, except on ` (re)` lines (an author's regex
    is written against the real text, so redacting it first would break it), then the
    dialect's canonical order of lines."""
    lines = text.split("\n")
    kept = {index: line for index, line in enumerate(lines) if line.endswith(REGEX_SUFFIX)}
    for index in kept:
        lines[index] = f"\x00{index}\x00"
    text = "\n".join(lines)
    for pattern in extra:
        text = re.sub(pattern, "[REDACTED]", text)
    for compiled, replacement in dialect.redactions:
        text = compiled.sub(replacement, text)
    if kept:
        text = re.sub(r"\x00(\d+)\x00", lambda found: kept[int(found.group(1))], text)
    return dialect.canonical_order(text)


def normalise(
    text: str, extra: Iterable[str] = (), names: Iterable[str] = (), *, dialect: Dialect = PLAIN
) -> list[str]:
    """The lines of `text` as compared: redacted, a table the dialect knows split into its cells."""
    return _normalised(text, list(extra), frozenset(names), dialect)[0]


def _normalised(
    text: str, extra: list[str], names: frozenset[str], dialect: Dialect
) -> tuple[list[str], list[str] | None]:
    """Normalised lines, and the raw line behind each (None when redaction joined lines)."""
    raw = [line.rstrip() for line in text.split("\n")]
    while raw and not raw[-1]:
        raw.pop()
    table = dialect.table(raw, lambda cell: redact(cell, extra, dialect=dialect), names)
    if table is not None:
        return table, raw
    if not raw:
        return [], []
    lines = [line.rstrip() for line in redact("\n".join(raw), extra, dialect=dialect).split("\n")]
    behind = dialect.canonical_order("\n".join(raw)).split("\n")
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


def compare(
    expected: str,
    actual: str,
    extra: Iterable[str] = (),
    names: Iterable[str] = (),
    *,
    dialect: Dialect = PLAIN,
) -> Comparison:
    """`names`: names the page chose (containers'), which a table compares as written."""
    extra, chosen = list(extra), frozenset(names)
    exp = _normalised(expected, extra, chosen, dialect)[0]
    act, raw = _normalised(actual, extra, chosen, dialect)
    return Comparison(lines_match(exp, act, raw), exp, act, raw)


def updated_expectation(
    expected: Sequence[str],
    actual: Sequence[str],
    extra: Iterable[str] = (),
    names: Iterable[str] = (),
    *,
    dialect: Dialect = PLAIN,
) -> list[str]:
    """The page's expected lines, rewritten to match `actual` while keeping what still matches.

    Expected lines that match an actual line (wildcards and redactions included) stay as
    written, every `...` stays (it matches zero lines too), and the rest is replaced with
    the real lines. The result always matches `actual`, so applying it twice changes nothing.
    """
    extra, chosen = list(extra), frozenset(names)
    if compare("\n".join(expected), "\n".join(actual), extra, chosen, dialect=dialect).ok:
        return list(expected)
    actual = list(actual)
    while actual and not actual[-1].strip():  # as normalise drops them
        actual.pop()
    exp_n = [redact(line, extra, dialect=dialect).rstrip() for line in expected]
    act_n = [redact(line, extra, dialect=dialect).rstrip() for line in actual]
    result: list[str] = []
    for step in align(exp_n, act_n, [line.rstrip() for line in actual]):
        if step.move in ("keep", "pass"):
            result.append(expected[step.i])
        elif step.move in ("substitute", "emit"):
            result.append(actual[step.j])
    if compare("\n".join(result), "\n".join(actual), extra, chosen, dialect=dialect).ok:
        return result
    return list(actual)  # a redaction spanning lines defeated the line-by-line alignment
