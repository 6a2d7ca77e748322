"""Split a run across machines: `--shard i/n` runs the i-th of n parts of the collected tests.

A part holds whole files (a page's blocks share one shell, a test module its fixtures),
balanced by weight: the seconds a file took when it was last measured (the durations file,
written with --store-durations), else an estimate. Every machine computes the same split
from the same checkout, so the n parts together run every test exactly once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest


def parse_shard(text: str) -> tuple[int, int]:
    """`"2/3"` -> (2, 3): the second of three parts (counted from 1, as CI matrices are)."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if found is None:
        raise ValueError(f"--shard takes PART/PARTS, such as 1/3, not {text!r}")
    part, parts = int(found.group(1)), int(found.group(2))
    if parts < 1 or not 1 <= part <= parts:
        raise ValueError(f"--shard {text}: the part must be between 1 and {max(parts, 1)}")
    return part, parts


def assign(weights: Mapping[str, float], parts: int) -> list[list[str]]:
    """Files per part: heaviest first, each to the part with the least weight so far (ties:
    the lower part, the file's name), so the parts end close together and the split is stable."""
    chosen: list[list[str]] = [[] for _ in range(parts)]
    loads = [0.0] * parts
    for name in sorted(weights, key=lambda key: (-weights[key], key)):
        lightest = min(range(parts), key=lambda index: (loads[index], index))
        chosen[lightest].append(name)
        loads[lightest] += weights[name]
    return chosen


def heaviest_first(weights: Mapping[str, float]) -> list[str]:
    """File names, heaviest first; equal weights keep the order given (the collected order).
    With pytest-xdist handing out whole files in this order, the longest files start first
    instead of ending the run alone on one worker (longest-processing-time-first)."""
    return sorted(weights, key=lambda name: -weights[name])


def load_durations(path: Path) -> dict[str, float]:
    """Measured seconds per file; a missing or unreadable file means: estimate them all."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float) and v >= 0}


def store_durations(path: Path, measured: Mapping[str, float]) -> None:
    """Merge this run's seconds per file into the durations file (files not run keep theirs)."""
    merged = {**load_durations(path), **{k: round(v, 2) for k, v in measured.items()}}
    path.write_text(json.dumps(dict(sorted(merged.items())), indent=1) + "\n", encoding="utf-8")


def file_of(item: pytest.Item) -> str:
    """The file an item belongs to (a page, a test module): the unit a part holds whole."""
    return item.nodeid.split("::", 1)[0]


class Sharding:
    """The pytest side: keep this part's files (after -k/-m), and measure files if asked."""

    def __init__(
        self,
        config: pytest.Config,
        shard: tuple[int, int] | None,
        estimate: Callable[[list[pytest.Item]], float],
    ) -> None:
        self.config, self.shard, self.estimate = config, shard, estimate
        self.path = Path(config.rootpath, config.getini("docstest_durations"))
        self.measured: dict[str, float] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        if self.shard is None:
            return
        part, parts = self.shard
        files: dict[str, list[pytest.Item]] = {}
        for item in items:
            files.setdefault(file_of(item), []).append(item)
        durations = load_durations(self.path)
        weights = {name: durations.get(name, self.estimate(group)) for name, group in files.items()}
        mine = set(assign(weights, parts)[part - 1])
        kept = [item for item in items if file_of(item) in mine]
        config.hook.pytest_deselected(items=[item for item in items if file_of(item) not in mine])
        items[:] = kept

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        name = report.nodeid.split("::", 1)[0]
        self.measured[name] = self.measured.get(name, 0.0) + report.duration

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.config.getoption("store_durations") and not hasattr(self.config, "workerinput"):
            store_durations(self.path, self.measured)
