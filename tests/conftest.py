"""Fixtures shared by the project's own tests (the docs-as-tests plugin lives in docstest/)."""

from __future__ import annotations

import pytest

from docstest.docker.scope import require_docker


@pytest.fixture(scope="session")
def docker_engine() -> None:
    """Depend on this (or mark tests with `docker`) to need a reachable engine."""
    require_docker()


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("docker"):
        require_docker()
