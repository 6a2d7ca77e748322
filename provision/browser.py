"""Chromium and a CJK font for the browser tests (Playwright drives Debian's Chromium).

`playwright install` downloads browsers from a CDN, which these machines cannot reach;
Debian's chromium works with Playwright's `executable_path`. Without a CJK font, Korean
text renders as empty boxes in screenshots and PDFs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .system import apt_install, is_debian_like, is_root, say

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def chromium_path() -> str | None:
    return next((path for name in CHROMIUM_CANDIDATES if (path := shutil.which(name))), None)


def ensure_browser() -> None:
    """Install Chromium and a CJK font when missing and we may (root on Debian/Ubuntu)."""
    missing = {}
    if chromium_path() is None:
        missing["chromium"] = "chromium"
    if not Path(CJK_FONT).exists():
        missing["fonts-noto-cjk"] = CJK_FONT
    if not missing:
        return
    if not (is_root() and is_debian_like()):
        say(f"browser: missing {', '.join(missing)} and cannot install here; browser tests will be skipped")
        return
    apt_install(missing)
    say(f"browser: {chromium_path()}")
