"""What the course's pages need from this machine when their commands run as tests.

Pages show `{{ downloads_url }}` rendered by mkdocs-macros as the hosted site's downloads
folder. Under test the same command fetches from this checkout's site, built and served
locally, so a learner's download command is tested against exactly the zips the site ships.
"""

from __future__ import annotations

import atexit
import contextlib
import os
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
        from hooks.sitebuild import mkdocs_build

        site = Path(tempfile.mkdtemp(prefix="course-site-"))
        atexit.register(shutil.rmtree, site, True)
        build = mkdocs_build(site, config_dir=REPO)  # this folder's site, also in a scratch copy
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


# -- what the pages were verified with ------------------------------------------------------

LECTURES = sorted(f"docs/lectures/{path.name}" for path in (REPO / "docs" / "lectures").glob("*.md"))
_lecture_outcomes: dict[str, set[str]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    page = report.nodeid.split("::", 1)[0]
    if page in LECTURES and (report.when == "call" or report.outcome != "passed"):
        _lecture_outcomes.setdefault(page, set()).add(report.outcome)


# -- figures the pages state (record=NAME=REGEX), kept from a green run -----------------------
# Each process (xdist workers too) writes what its pages recorded into one folder per run; the
# controlling process merges them into docs/measurements.json after every lecture passed.
MEASURED_FOLDER = "DOCS_MEASURED_FOLDER"


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and MEASURED_FOLDER not in os.environ:
        folder = tempfile.mkdtemp(prefix="course-measured-")
        atexit.register(shutil.rmtree, folder, True)
        os.environ[MEASURED_FOLDER] = folder  # inherited by the workers xdist starts later


@pytest.hookimpl
def pytest_docstest_record(name: str, value: str, page: str, line: int, config: pytest.Config) -> None:
    from hooks import measurements

    measurements.keep(Path(os.environ[MEASURED_FOLDER]), name, value, os.getpid())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """After a green run of every lecture page, record the engine and images they ran on
    (docs/verified-with.json, shown on each lecture page by hooks/verified_with.py) and the
    figures the pages recorded (docs/measurements.json, rendered by hooks/macros.py)."""
    if hasattr(session.config, "workerinput") or exitstatus != 0:
        return
    if any(_lecture_outcomes.get(page) != {"passed"} for page in LECTURES):
        return  # a subset, a failure or a skip: what the pages show was not verified here
    from hooks import measurements, verified_with

    verified_with.record()
    if measured := measurements.collect(Path(os.environ[MEASURED_FOLDER])):
        measurements.write({**measurements.load(), **measured})
