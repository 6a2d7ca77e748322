"""--shard: every file in exactly one part, parts balanced by weight, the same split everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docstest.shard import assign, load_durations, parse_shard, store_durations


@pytest.mark.parametrize(("text", "parsed"), [("1/3", (1, 3)), (" 3 / 3 ", (3, 3)), ("1/1", (1, 1))])
def test_parse_shard(text: str, parsed: tuple[int, int]) -> None:
    assert parse_shard(text) == parsed


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "1-3", "a/b", ""])
def test_bad_shards_say_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="--shard"):
        parse_shard(text)


weights = st.dictionaries(st.text("abcdef/.", min_size=1, max_size=8), st.floats(0, 500), max_size=30)


@given(weights, st.integers(1, 6))
def test_every_file_lands_in_exactly_one_part_and_parts_are_balanced(
    files: dict[str, float], parts: int
) -> None:
    split = assign(files, parts)
    assert len(split) == parts
    placed = [name for part in split for name in part]
    assert sorted(placed) == sorted(files)
    loads = [sum(files[name] for name in part) for part in split]
    # greedy longest-first: no part exceeds the mean by more than the heaviest file
    assert max(loads) <= sum(loads) / parts + max(files.values(), default=0) + 1e-6
    assert assign(dict(reversed(list(files.items()))), parts) == split  # the order read does not matter


def test_durations_are_merged_and_a_broken_file_means_estimates(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    assert load_durations(path) == {}
    store_durations(path, {"docs/a.md": 12.345, "tests/test_b.py": 1.0})
    store_durations(path, {"docs/a.md": 10.0})
    assert load_durations(path) == {"docs/a.md": 10.0, "tests/test_b.py": 1.0}
    path.write_text("not json")
    assert load_durations(path) == {}
