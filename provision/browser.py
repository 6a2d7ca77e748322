"""Chromium and the course's fonts for the browser tests and the offline PDFs (and poppler's
pdffonts/pdftotext, with which tests/test_pdf.py reads them).

`playwright install` downloads browsers from a CDN, which these machines cannot reach;
Debian's chromium works with Playwright's `executable_path`. The fonts are chosen, not left
to fontconfig's fallback: docs/assets/stylesheets/course.css names them, so screenshots and
PDFs look the same on every machine (tests/test_pdf.py checks the fonts a PDF embeds), and
Korean never renders as empty boxes.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from .system import apt_install, is_debian_like, is_root, say

PDF_TOOL = "pdffonts"  # poppler-utils, with pdftotext and pdftoppm
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# How scripts launch it (the browser tests, the diagrams, the PDF books): no sandbox (root in a
# VM), no GPU, nothing fetched or synced in the background
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@dataclass(frozen=True)
class Font:
    """A font family course.css names, and the Debian package (and one of its files) that brings it."""

    family: str
    package: str
    file: str


NOTO_CJK = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # also holds the Mono family
TEXT_FONT = Font("Noto Sans CJK KR", "fonts-noto-cjk", NOTO_CJK)  # Hangul and Latin in one font
CODE_FONT = Font("Noto Sans Mono CJK KR", "fonts-noto-cjk", NOTO_CJK)  # Hangul two columns wide
# Symbols the Noto CJK fonts lack, such as the "⌃" Material draws before a Ctrl key (++ctrl+c++)
SYMBOL_FONT = Font(
    "DejaVu Sans Mono", "fonts-dejavu-core", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
)
FONTS = (TEXT_FONT, CODE_FONT, SYMBOL_FONT)


def chromium_path() -> str | None:
    return next((path for name in CHROMIUM_CANDIDATES if (path := shutil.which(name))), None)


def has_font_family(family: str) -> bool:
    """Whether fontconfig (which Chromium uses on Linux) knows `family` by that exact name."""
    if shutil.which("fc-list") is None:
        return False
    return subprocess.run(["fc-list", "-q", f":family={family}"], check=False).returncode == 0


def missing_fonts() -> list[Font]:
    return [font for font in FONTS if not has_font_family(font.family)]


def missing_packages() -> dict[str, str]:
    """Debian packages to install, each with the command or file that shows it is there."""
    missing = {}
    if chromium_path() is None:
        missing["chromium"] = "chromium"
    if shutil.which("fc-list") is None:
        missing["fontconfig"] = "fc-list"  # how we, and the tests, check the fonts
    if shutil.which(PDF_TOOL) is None:
        missing["poppler-utils"] = PDF_TOOL  # tests/test_pdf.py reads the PDFs' fonts and text
    for font in missing_fonts():
        missing[font.package] = font.file
    return missing


def ensure_browser() -> None:
    """Install Chromium, the fonts and poppler-utils when missing and we may (root on Debian/Ubuntu)."""
    missing = missing_packages()
    if not missing:
        return
    if not (is_root() and is_debian_like()):
        say(f"browser: missing {', '.join(missing)} and cannot install here; browser tests will be skipped")
        return
    apt_install(missing)
    if absent := ", ".join(font.family for font in missing_fonts()):
        say(f"browser: fontconfig still lacks {absent} (check FONTS in provision/browser.py)")
    say(f"browser: {chromium_path()}; fonts {', '.join(font.family for font in FONTS)}")
