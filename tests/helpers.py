"""What several test modules share: `mkdocs build --strict` of the course (or of a scratch
copy), and the Chromium and fonts the browser and PDF tests need."""

from __future__ import annotations

import os
from pathlib import Path

from docstest.ci import unavailable
from hooks.sitebuild import mkdocs_build
from provision.browser import chromium_path, missing_fonts

__all__ = ["mkdocs_build", "nested_pytest_env", "require_chromium", "require_fonts"]

REPO = Path(__file__).resolve().parent.parent


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


def nested_pytest_env(*, own_engine: bool) -> dict[str, str]:
    """Environment for a pytest process a test starts (a real run, as a maintainer starts one):
    without this run's xdist and current-test variables; `own_engine` also drops an adopted
    engine (DOCSTEST_*), so the run starts private engines of its own."""
    drop = ("PYTEST_XDIST", "PYTEST_CURRENT", *(("DOCSTEST_",) if own_engine else ()))
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}
