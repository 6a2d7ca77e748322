"""`mkdocs build --strict` of the course (or of a copy of it), for code outside MkDocs that
needs the built site: the tests, and the root conftest.py that serves the site's downloads to
the pages' commands (also in a scratch copy of the course, where `tests/` is not importable)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def mkdocs_build(
    site: Path, *, config_dir: Path = REPO, pdf: bool = False, offline: bool = False
) -> subprocess.CompletedProcess[str]:
    """Build into `site`; `pdf=True` also prints the offline PDFs (hooks/pdf.py); `offline=True`
    builds for file:// (Material's offline plugin, hooks/offline.py)."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "COURSE_PDF": "1" if pdf else "0",
        "COURSE_OFFLINE": "true" if offline else "false",
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=config_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=900 if pdf else 300,
    )
