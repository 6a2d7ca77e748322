"""Hooks a project implements (in a conftest.py) to give its pages what only it knows."""

from __future__ import annotations

import pluggy
import pytest

hookspec = pluggy.HookspecMarker("pytest")


@hookspec(firstresult=True)
def pytest_docstest_variable(name: str, config: pytest.Config) -> str | None:
    """The value of `{{ name }}` in a page's commands and front matter, or None if unknown.

    Pages show such variables rendered by the site (e.g. mkdocs-macros' `{{ downloads_url }}`
    becomes the hosted site's URL); the tests put in the value that works on this machine
    (e.g. the same site, built and served locally). Asked lazily, once per name and process.
    """
