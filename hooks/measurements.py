"""Figures a page states that only a run can know, such as how long a build took.

A console block marked `<!-- docstest: record='NAME=REGEX' -->` hands the real value its
regex found to the project (`pytest_docstest_record`, root conftest.py), which keeps the values
of one run in a scratch folder and writes them to `docs/measurements.json` only when every
lecture page passed. The pages render them with mkdocs-macros: `{{ measured("name") }}` shows
the value as it was printed (the transcript's own line), `{{ seconds_between("a", "b") }}` the
difference of two `time` figures in the prose. So the prose and the transcript agree, and
neither is typed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RECORD = REPO / "docs" / "measurements.json"
TIME_FIGURE = re.compile(r"^(?:(\d+)m)?(\d+(?:\.\d+)?)s$")  # bash's `time`: 0m4.703s


def load(path: Path = RECORD) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    values: dict[str, str] = data["values"]
    return values


def value(name: str, path: Path = RECORD) -> str:
    values = load(path)
    if name not in values:
        raise KeyError(
            f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path} has no measurement {name!r} "
            f"(it has: {', '.join(sorted(values)) or 'none'}); a console block records it with "
            f"<!-- docstest: record='{name}=REGEX' -->, and a green run of the lecture pages writes it"
        )
    return values[name]


def seconds(figure: str) -> float:
    """Seconds in a `time` figure: "0m4.703s" -> 4.703."""
    found = TIME_FIGURE.match(figure.strip())
    if found is None:
        raise ValueError(f"{figure!r} is not a time figure like 0m4.703s")
    return int(found.group(1) or 0) * 60 + float(found.group(2))


def seconds_between(longer: str, shorter: str, path: Path = RECORD) -> str:
    """How many seconds the second recorded `time` saved on the first, to one decimal."""
    return f"{seconds(value(longer, path)) - seconds(value(shorter, path)):.1f}"


def keep(folder: Path, name: str, value: str, process: int) -> None:
    """One recorded value of this run, in the run's folder (one file per process and name)."""
    (folder / f"{process}-{name}.json").write_text(json.dumps({name: value}), encoding="utf-8")


def collect(folder: Path) -> dict[str, str]:
    """Every value the run's processes kept (xdist workers each write their own files)."""
    values: dict[str, str] = {}
    for file in sorted(folder.glob("*.json")):
        values.update(json.loads(file.read_text(encoding="utf-8")))
    return values


def write(values: Mapping[str, str], path: Path = RECORD) -> None:
    """Keep the values of one green run (with its date), replacing the last run's."""
    data = {"date": dt.datetime.now(dt.UTC).date().isoformat(), "values": dict(sorted(values.items()))}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
