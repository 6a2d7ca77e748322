"""The one rule for missing prerequisites: skip with a reason locally, fail under CI=true.

A skipped test in CI would hide a missing install step, so there nothing may skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(message: str) -> NoReturn:
    """Stop the current test because `message` (a prerequisite is missing)."""
    if in_ci():
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)
