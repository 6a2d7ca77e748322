"""`mkdocs build --strict` of the course (or of a scratch copy), as the tests need it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

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
