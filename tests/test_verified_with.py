"""Each lecture states what its transcripts were verified with, from the last green test run."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from hooks import verified_with

REPO = Path(__file__).resolve().parent.parent


def test_the_record_is_complete_and_dated() -> None:
    data = verified_with.load()
    assert dt.date.fromisoformat(data["date"]) <= dt.datetime.now(dt.UTC).date()
    assert int(data["engine"].split(".")[0]) >= 23  # BuildKit is the default builder
    assert re.fullmatch(r"\d+\.\d+\.\d+", data["node"]) and re.fullmatch(r"\d+\.\d+\.\d+", data["buildx"])


def test_an_incomplete_record_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "verified-with.json"
    path.write_text('{"date": "2026-11-28", "engine": "26.1.5"}')
    with pytest.raises(ValueError, match="missing"):
        verified_with.load(path)


def test_every_lecture_with_commands_states_the_recorded_versions_in_both_languages(built_site: Path) -> None:
    data = verified_with.load()
    sources = sorted((REPO / "docs" / "lectures").glob("*.md"))
    with_commands = [p for p in sources if verified_with.TRANSCRIPT.search(p.read_text(encoding="utf-8"))]
    assert len(with_commands) >= 3, "lectures 20-22 run commands"
    for source in sources:
        page = built_site / "lectures" / source.stem / "index.html"
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        if source not in with_commands:
            assert "검증 환경" not in text and "Verified with" not in text, f"{source.name} has no commands"
            continue
        assert "검증 환경" in text and "Verified with" in text, page
        for value in (data["date"], data["engine"], data["cli"], data["buildx"], data["node"], data["npm"]):
            assert value in text, (page, value)
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert '<p class="admonition-title">Verified with</p>' not in home  # lectures only
