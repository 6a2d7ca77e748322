"""The Docker dialect's pytest hooks (the plugin `docstest_docker`, registered by docstest.plugin)."""

from __future__ import annotations

import pytest

from ..dialect import Dialect
from .dialect import DOCKER
from .scope import sweep_engines


@pytest.hookimpl(trylast=True)  # a project's conftest.py may answer with a dialect of its own
def pytest_docstest_dialect(config: pytest.Config) -> Dialect | None:
    return DOCKER


@pytest.hookimpl(trylast=True)  # after docstest's own: its exit handlers are installed by then
def pytest_configure(config: pytest.Config) -> None:
    # Private engines are stopped at process exit (scope.py's atexit), also on SIGTERM (exits.py).
    if not hasattr(config, "workerinput"):  # once per run: engines killed runs left behind
        sweep_engines()
