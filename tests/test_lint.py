"""Lint is part of the test command: ruff's checks and formatting over the Python code, and
mypy (strict, configured in pyproject.toml) over the packages."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PATHS = ["docstest", "provision", "hooks", "tests", "bench", "conftest.py"]


def test_ruff_check() -> None:
    proc = subprocess.run(
        [str(REPO / ".venv/bin/ruff"), "check", *PATHS], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = subprocess.run(
        [str(REPO / ".venv/bin/ruff"), "format", "--check", *PATHS], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 0, f"run `.venv/bin/ruff format {' '.join(PATHS)}`:\n{proc.stdout}"


def test_mypy() -> None:
    proc = subprocess.run([str(REPO / ".venv/bin/mypy")], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, f"`make typecheck` fails:\n{proc.stdout}{proc.stderr}"
