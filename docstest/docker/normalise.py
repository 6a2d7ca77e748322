"""What varies in Docker's output from run to run, and Docker's tables, for the comparison.

IDs, digests, times and sizes change on every run; BuildKit's terminal view adds durations,
cut digests and steps whose order depends on timing; a published port shows differently on a
learner's engine and on a test engine. `docker ps` and `docker images` print tables whose
column widths follow their content, so they are compared cell by cell.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..dialect import Redaction
from ..wildcards import ELLIPSIS, REGEX_SUFFIX

__all__ = ["GENERATED_NAME", "REDACTIONS", "TABLE_HEADERS", "build_context_first", "table"]

# Order matters: digests before bare IDs, "ago" phrases before sizes.
_TIME_AMOUNT = r"(?:\d+|an?|About an?|Less than a)"
_TIME_UNIT = r"(?:second|minute|hour|day|week|month|year)s?"
REDACTIONS: tuple[Redaction, ...] = (
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
)
# docker ps: a name Docker generated (adjective_surname, a digit added on a retry) varies;
# one the page chose (`--name web_server`) is compared as written.
GENERATED_NAME = re.compile(r"^[a-z]+_[a-z]+\d?$")
TABLE_HEADERS = {
    "CONTAINER ID": {"NAMES": GENERATED_NAME},
    "REPOSITORY": {},  # docker images
}

_BUILD_CONTEXT = " => [internal] load build context"
_NUMBERED_STEP = re.compile(r"^ => (?:CACHED |ERROR |CANCELED )?\[\d+/\d+\] ")


def build_context_first(text: str) -> str:
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


def table(lines: Sequence[str], cell: Callable[[str], str], names: frozenset[str]) -> list[str] | None:
    """A Docker table as `cell | cell | ...` lines (cells split on the raw text, then normalised)."""
    header = lines[0] if lines else ""
    spec = next((spec for key, spec in TABLE_HEADERS.items() if header.startswith(key)), None)
    if spec is None:
        return None
    columns = _columns(header)
    result = [" | ".join(name for name, _ in columns)]
    for row in lines[1:]:
        if row == ELLIPSIS or not row.strip() or row.endswith(REGEX_SUFFIX):
            result.append(row)
            continue
        cells = _split_row(row, columns)
        for index, (name, _) in enumerate(columns):
            generated = spec.get(name)
            if generated is not None and generated.match(cells[index]) and cells[index] not in names:
                cells[index] = "[NAME]"
            else:
                cells[index] = cell(cells[index])
        result.append(" | ".join(cells))
    return result
