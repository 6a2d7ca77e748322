"""The offline PDFs (`make pdf`): one per language, in navigation order, Korean glyphs included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from sitebuild import mkdocs_build
from test_site_browser import require_chromium

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    require_chromium()
    site = tmp_path_factory.mktemp("pdf-site")
    build = mkdocs_build(site, pdf=True)
    assert build.returncode == 0, build.stderr[-3000:]
    texts = {}
    for code in ("ko", "en"):
        reader = PdfReader(site / "pdf" / f"course-{code}.pdf")
        assert len(reader.pages) > 20
        # pypdf spaces Korean glyph runs unevenly: compare text with all white space removed
        texts[code] = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    return texts


def test_each_pdf_holds_its_language_only(pdfs: dict[str, str]) -> None:
    # a Korean heading of lecture 20 and its English counterpart
    korean, english = "컨테이너는격리되어있습니다", "Containersareisolated"
    assert korean in pdfs["ko"] and english not in pdfs["ko"]
    assert english in pdfs["en"] and korean not in pdfs["en"]


def test_pdfs_keep_the_shared_commands_and_the_page_order(pdfs: dict[str, str]) -> None:
    for text in pdfs.values():
        assert "dockerrun-itnode" in text
        lectures = [
            text.find(title)
            for title in ("18.모듈소개", "19.이미지&컨테이너", "20.외부", "21.우리의목표", "22.Dockerfile로")
        ]
        assert all(position >= 0 for position in lectures) and lectures == sorted(lectures)
