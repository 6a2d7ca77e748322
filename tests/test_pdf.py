"""The offline PDFs (`make pdf`): one per language, in navigation order, in the course's fonts."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from sitebuild import mkdocs_build
from test_site_browser import require_chromium, require_fonts

from provision.browser import CODE_FONT, FONTS, TEXT_FONT, Font

REPO = Path(__file__).resolve().parent.parent
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")  # "AAAAAA+NotoSansCJKkr-Regular": a subset of the font


@pytest.fixture(scope="module")
def readers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    require_chromium()
    require_fonts()
    site = tmp_path_factory.mktemp("pdf-site")
    build = mkdocs_build(site, pdf=True)
    assert build.returncode == 0, build.stderr[-3000:]
    found = {code: PdfReader(site / "pdf" / f"course-{code}.pdf") for code in ("ko", "en")}
    assert all(len(reader.pages) > 20 for reader in found.values())
    return found


def comparable(text: str) -> str:
    """Text as the tests compare it, without what PDF text extraction legitimately varies.

    NFKC folds compatibility characters (a ligature glyph such as U+FB01 "ﬁ", full-width
    forms) into plain letters; white space goes because pypdf spaces Korean runs unevenly.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def pdfs(readers: dict[str, PdfReader]) -> dict[str, str]:
    return {code: comparable("".join(page.extract_text() for page in r.pages)) for code, r in readers.items()}


def embedded_fonts(reader: PdfReader) -> set[str]:
    """The PostScript names of the fonts a PDF embeds, without subset tags.

    Chromium embeds CFF fonts (Noto CJK) as Type3 fonts, which have no /BaseFont: their
    name is in the font descriptor.
    """
    names = set()
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            name = font.get("/BaseFont") or font["/FontDescriptor"]["/FontName"]
            names.add(SUBSET_TAG.sub("", str(name).lstrip("/")))
    return names


def named_font(postscript_name: str) -> Font | None:
    """The course font (provision/browser.py) a PostScript name belongs to, if any."""
    flat = postscript_name.lower()
    return next((font for font in FONTS if flat.startswith(font.family.replace(" ", "").lower())), None)


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


@pytest.mark.parametrize("code", ["ko", "en"])
def test_pdfs_embed_only_the_fonts_the_project_installs(readers: dict[str, PdfReader], code: str) -> None:
    embedded = embedded_fonts(readers[code])
    strangers = sorted(name for name in embedded if named_font(name) is None)
    assert not strangers, (
        f"course-{code}.pdf: fontconfig fell back to {strangers}; name such a font in course.css "
        "and in FONTS of provision/browser.py, or leave out the glyphs it was needed for"
    )
    families = {named_font(name) for name in embedded}
    assert TEXT_FONT in families and CODE_FONT in families, sorted(embedded)
