"""What several test modules share: `mkdocs build --strict` of the course (or of a scratch
copy), and the Chromium and fonts the browser and PDF tests need."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from docstest.ci import unavailable
from provision.browser import chromium_path, missing_fonts

REPO = Path(__file__).resolve().parent.parent


def mkdocs_build(
    site: Path, *, config_dir: Path = REPO, pdf: bool = False
) -> subprocess.CompletedProcess[str]:
    """Build into `site`; `pdf=True` also prints the offline PDFs (hooks/pdf.py)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "COURSE_PDF": "1" if pdf else "0"}
    return subprocess.run(
        [str(REPO / ".venv/bin/mkdocs"), "build", "--strict", "-d", str(site)],
        cwd=config_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=900 if pdf else 300,
    )


def require_chromium() -> str:
    path = chromium_path()
    if path is None:
        unavailable("no Chromium (run `make images`, which installs Debian's chromium as root)")
    return path


def require_fonts() -> None:
    """The fonts course.css names; without them Chromium draws with whatever fontconfig offers."""
    if absent := missing_fonts():
        names = ", ".join(f"{font.family} ({font.package})" for font in absent)
        unavailable(f"fonts missing: {names} (run `make images`, which installs them as root)")
