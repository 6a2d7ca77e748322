"""The CPU slow-down `make bench ARGS=site` scores with: Lighthouse's calculator, which makes any
host a mid-tier phone (4x on the high-end desktop Lighthouse's default 4x is meant for); and which
of a page's loads it reads: the median one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.site import calibrated_multiplier, median_load

ANCHORS = [(1533, 4.0), (1300, 3.0), (800, 2.0), (150, 1.0), (2000, 6.0)]


@pytest.mark.parametrize(("index", "multiplier"), ANCHORS)
def test_the_calculators_anchor_points(index: float, multiplier: float) -> None:
    assert calibrated_multiplier(index) == pytest.approx(multiplier, abs=0.01)


@given(st.floats(0, 5000), st.floats(0, 5000))
def test_a_faster_host_is_slowed_down_more_and_never_below_1x(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert 1.0 <= calibrated_multiplier(low) <= calibrated_multiplier(high)


def _load(performance: float, tag: str) -> tuple[dict[str, object], dict[str, object], float]:
    report: dict[str, object] = {"categories": {"performance": {"score": performance}}, "tag": tag}
    return {"tag": f"{tag} at 4x"}, report, 3.0


def test_a_page_is_read_from_its_median_load_not_its_best_or_worst() -> None:
    loads = [_load(0.97, "second"), _load(0.89, "worst"), _load(0.99, "best")]
    assert median_load(loads)[1]["tag"] == "second"
    assert median_load(loads)[0]["tag"] == "second at 4x"  # the 4x score of the same load
    with pytest.raises(AssertionError):
        median_load(loads[:2])
