"""Figures the pages state from a run (`record=` → docs/measurements.json → macros), never typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hooks import measurements

REPO = Path(__file__).resolve().parent.parent
PAGES = sorted((REPO / "docs").rglob("*.md"))
RECORDED = re.compile(r"record='([a-z][a-z0-9_]*)=")
RENDERED = re.compile(r"""\{\{\s*(?:measured|seconds_between)\(([^)]*)\)\s*\}\}""")


def test_time_figures_read_as_seconds() -> None:
    assert measurements.seconds("0m4.703s") == pytest.approx(4.703)
    assert measurements.seconds("1m2.5s") == pytest.approx(62.5)
    with pytest.raises(ValueError, match="not a time figure"):
        measurements.seconds("4.7 seconds")


def test_seconds_between_is_the_difference_to_one_decimal(tmp_path: Path) -> None:
    record = tmp_path / "measurements.json"
    measurements.write({"before": "0m4.703s", "after": "0m0.611s"}, record)
    assert measurements.seconds_between("before", "after", record) == "4.1"


def test_a_figure_no_run_recorded_says_how_to_record_it(tmp_path: Path) -> None:
    record = tmp_path / "measurements.json"
    measurements.write({"before": "0m1.000s"}, record)
    with pytest.raises(KeyError, match=r"no measurement 'after' \(it has: before\).*record='after=REGEX'"):
        measurements.value("after", record)


def test_values_kept_by_several_processes_are_collected(tmp_path: Path) -> None:
    measurements.keep(tmp_path, "build", "0m4.0s", process=11)
    measurements.keep(tmp_path, "cached_build", "0m0.5s", process=12)
    assert measurements.collect(tmp_path) == {"build": "0m4.0s", "cached_build": "0m0.5s"}


def _front_matter(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return text.split("\n---\n", 1)[0] + "\n" if text.startswith("---\n") else ""


def test_every_figure_a_page_states_is_recorded_by_a_block_and_kept() -> None:
    recorded = {name for page in PAGES for name in RECORDED.findall(page.read_text(encoding="utf-8"))}
    kept = set(measurements.load())
    rendered = [page for page in PAGES if "\nrender_macros: true\n" in _front_matter(page)]
    for page in rendered:  # other pages show macro calls as text (the maintainers' guide)
        for arguments in RENDERED.findall(page.read_text(encoding="utf-8")):
            for name in re.findall(r"""["']([a-z][a-z0-9_]*)["']""", arguments):
                assert name in recorded, f"{page.relative_to(REPO)} states {name!r}, which no block records"
                assert name in kept, f"{name!r} is recorded but not in docs/measurements.json yet"
    assert recorded, "lecture 26 records its two build times"
