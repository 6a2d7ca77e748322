"""What the course's pages need from this machine when their commands run as tests.

Pages show `{{ downloads_url }}` rendered by mkdocs-macros as the hosted site's downloads
folder. Under test the same command fetches from this checkout's site, built and served
locally, so a learner's download command is tested against exactly the zips the site ships.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
_served: dict[str, str] = {}


def _course_site_url() -> str:
    """Build the site once per test process and serve it on a loopback port until exit."""
    if "url" not in _served:
        from hooks.pdf import serve_folder
        from tests.sitebuild import mkdocs_build

        site = Path(tempfile.mkdtemp(prefix="course-site-"))
        atexit.register(shutil.rmtree, site, True)
        build = mkdocs_build(site)
        if build.returncode != 0:
            raise RuntimeError(f"mkdocs build of the course site failed:\n{build.stderr[-2000:]}")
        stack = contextlib.ExitStack()
        _served["url"] = stack.enter_context(serve_folder(str(site)))
        atexit.register(stack.close)
    return _served["url"]


@pytest.hookimpl
def pytest_docstest_variable(name: str, config: pytest.Config) -> str | None:
    if name == "downloads_url":
        return _course_site_url() + "downloads"
    return None
