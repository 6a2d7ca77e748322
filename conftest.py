"""What the course's pages need from this machine when their commands run as tests.

Pages show `{{ downloads_url }}` rendered by mkdocs-macros as the hosted site's downloads
folder. Under test the same command fetches from this checkout's downloads, served locally:
the zips hooks/downloads.py's `course_zips` makes, the function the site build calls for the
site's downloads/ (the zips are deterministic, so these are the bytes the site ships; a full
site build per test process only for them cost ~5 s of CPU each, in every scratch copy too).
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


def _downloads_url() -> str:
    """This folder's downloads (also in a scratch copy), made once per test process and
    served on a loopback port until exit, at the path the site has them (downloads/)."""
    if "url" not in _served:
        from hooks.downloads import SITE_FOLDER, course_zips
        from hooks.site_server import serve_gzip

        folder = Path(tempfile.mkdtemp(prefix="course-downloads-"))
        atexit.register(shutil.rmtree, folder, True)
        (folder / SITE_FOLDER).mkdir()
        for name, data in course_zips(REPO).items():
            (folder / SITE_FOLDER / f"{name}.zip").write_bytes(data)
        stack = contextlib.ExitStack()
        _served["url"] = stack.enter_context(serve_gzip(str(folder), site=False)) + SITE_FOLDER
        atexit.register(stack.close)
    return _served["url"]


@pytest.hookimpl
def pytest_docstest_variable(name: str, config: pytest.Config) -> str | None:
    if name == "downloads_url":
        return _downloads_url()
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
