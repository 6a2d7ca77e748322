"""What several test modules share: `mkdocs build --strict` of the course (or of a scratch
copy), and the Chromium and fonts the browser and PDF tests need."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from docstest.ci import unavailable
from hooks.sitebuild import mkdocs_build
from provision.browser import chromium_path, missing_fonts

__all__ = [
    "mkdocs_build",
    "nested_pytest_env",
    "require_chromium",
    "require_fonts",
    "run_pytest",
    "start_pytest_from_a_terminal",
]

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


# Runs a test starts check pages, never properties: without Hypothesis's plugin, whose import
# (about 1.5 s of CPU) was half of a nested pytest's start-up; the suite starts ~150 of them.
# Nor pytest-examples' plugin, as in pyproject.toml (its black import: 1.75 -> 1.1 s a start).
NESTED_ADDOPTS = "-p no:hypothesispytest -p no:examples"


def nested_pytest_env(*, own_engine: bool) -> dict[str, str]:
    """Environment for a pytest process a test starts (a real run, as a maintainer starts one):
    without this run's xdist and current-test variables; `own_engine` also drops an adopted
    engine (DOCSTEST_*), so the run starts private engines of its own."""
    drop = ("PYTEST_XDIST", "PYTEST_CURRENT", *(("DOCSTEST_",) if own_engine else ()))
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PYTEST_ADDOPTS"] = f"{env.get('PYTEST_ADDOPTS', '')} {NESTED_ADDOPTS}".strip()
    return env


def run_pytest(
    folder: Path, *args: str, env: Mapping[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """A real pytest process on the pages in `folder` (pytester's in-process run shares this
    one's engines and signal handlers), its output captured."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=folder,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_pytest_from_a_terminal(folder: Path, *args: str, env: Mapping[str, str]) -> subprocess.Popen[str]:
    """A real pytest process as a maintainer starts it in a terminal, for tests that interrupt
    it: its own session (a process group to signal) and Ctrl+C's default action, even when
    this run was started in the background; stdout and stderr merged."""
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", *args],
        cwd=folder,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
