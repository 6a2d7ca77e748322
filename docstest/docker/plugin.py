"""The Docker dialect's pytest hooks (the plugin `docstest_docker`, registered by docstest.plugin)."""

from __future__ import annotations

import pytest

from ..dialect import Dialect
from .dialect import DOCKER


@pytest.hookimpl(trylast=True)  # a project's conftest.py may answer with a dialect of its own
def pytest_docstest_dialect(config: pytest.Config) -> Dialect | None:
    return DOCKER
