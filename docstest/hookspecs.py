"""Hooks a project implements (in a conftest.py or a plugin) to give its pages what only it knows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy
import pytest

if TYPE_CHECKING:
    from .dialect import Dialect

hookspec = pluggy.HookspecMarker("pytest")


@hookspec(firstresult=True)
def pytest_docstest_variable(name: str, config: pytest.Config) -> str | None:
    """The value of `{{ name }}` in a page's commands and front matter, or None if unknown.

    Pages show such variables rendered by the site (e.g. mkdocs-macros' `{{ downloads_url }}`
    becomes the hosted site's URL); the tests put in the value that works on this machine
    (e.g. the same site, built and served locally). Asked lazily, once per name and process.
    """


@hookspec(firstresult=True)
def pytest_docstest_dialect(config: pytest.Config) -> Dialect | None:
    """The dialect of the pages' commands: what only their CLI knows (docstest/dialect.py).

    The first answer wins: a project's conftest.py answers before the built-in Docker plugin
    (`docstest_docker`, which answers last); with no answer (`-p no:docstest_docker`), pages
    run with the plain dialect, as transcripts of any CLI. Asked once per run.
    """


@hookspec
def pytest_docstest_record(name: str, value: str, page: str, line: int, config: pytest.Config) -> None:
    """A value a block's `record=NAME=REGEX` directive found in the real output of its command.

    For figures a page states that only a run can know (e.g. the seconds a build took): the
    project keeps them (say, in a data file its site renders) once the pages have passed.
    Called in the process that ran the page, after the command's output matched the page.
    """
