"""Fixtures shared by the project's own tests (the docs-as-tests plugin lives in docstest/)."""

from __future__ import annotations

import os

import pytest

from provision import engine


def require_docker() -> None:
    """Fail under CI, skip elsewhere, when no Docker engine answers: CI must never skip."""
    if engine.answers():
        return
    message = "no Docker engine answers (run `make images` to start one, or start Docker yourself)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI=true but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Depend on this (or mark tests with `docker`) to need a reachable engine."""
    require_docker()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("docker"):
        require_docker()
