"""The core runs transcripts of any CLI: with the Docker dialect blocked (`-p no:docstest_docker`),
a page of git, python3 and shell commands (tests/fixtures/any_cli/) passes with no Docker engine
and without loading any Docker part, and a wrong expectation on it fails with page:line and a
diff, as on a Docker page."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from docstest.runner import SETTLE_SECONDS
from tests.helpers import nested_pytest_env, run_pytest

FIXTURES = Path(__file__).parent / "fixtures" / "any_cli"
INI = "[pytest]\naddopts = -p no:cacheprovider -p no:docstest_docker\ndocstest_roots = .\n"
# Written into the run's folder (a conftest.py under tests/ would load into this suite's own run).
CONFTEST = """
import sys


def pytest_sessionfinish(session):
    docker = sorted(name for name in sys.modules if name.startswith(("docstest.docker", "provision")))
    print(f"\\nDocker modules loaded: {docker or 'none'}")
"""


@pytest.fixture
def pages(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    return tmp_path


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A real pytest run on the folder's pages, with no Docker engine to reach."""
    env = nested_pytest_env(own_engine=True)
    env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"
    return run_pytest(folder, *args, env=env, timeout=300)


def line_of(page: Path, text: str) -> int:
    return page.read_text(encoding="utf-8").splitlines().index(text) + 1


def test_a_page_of_other_clis_passes_without_docker(pages: Path) -> None:
    result = run(pages, "tools.md", "-v")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "5 passed" in result.stdout.splitlines()[-1], result.stdout[-3000:]
    assert "Docker modules loaded: none" in result.stdout


def test_a_wrong_expectation_fails_with_page_line_and_a_diff(pages: Path) -> None:
    page = pages / "tools.md"
    page.write_text(page.read_text(encoding="utf-8").replace("\n42\n", "\n41\n"), encoding="utf-8")
    result = run(pages, "tools.md")
    assert result.returncode == 1, result.stdout[-3000:]
    command = line_of(page, '$ python3 -c "print(6 * 7)"')
    expected = [
        f"tools.md:{command}: output differs from the page",
        '    $ python3 -c "print(6 * 7)"',
        "*expected (-) vs actual (+)*",
        "*-41",
        "*+42",
        "*hint: accept the real output: pytest --update-docs tools.md",
    ]
    lines = iter(result.stdout.splitlines())
    for pattern in expected:  # in this order, as fnmatch_lines checks them
        assert any(fnmatch.fnmatch(line, pattern) for line in lines), (pattern, result.stdout[-3000:])
    assert "2 failed, 3 passed" in result.stdout.splitlines()[-1]  # the block after it did not run
    for sign in ("Traceback", "INTERNALERROR", 'File "'):
        assert sign not in result.stdout, result.stdout[-3000:]


SETTLING_DIALECT = """
from docstest.dialect import Dialect


class Queue(Dialect):
    # `submit` returns at once; its job lands a moment later, as `docker stop` returns before
    # the engine has removed a `--rm` container.
    def settle(self, command):
        return "while [ ! -e done.txt ]; do sleep 0.1; done" if command == "submit" else None


def pytest_docstest_dialect(config):
    return Queue()
"""

SETTLING_PAGE = """# A queue

```console
$ submit() { (sleep 1; echo job > done.txt) & }
$ submit
$ cat done.txt
job
```
"""


def test_a_dialect_waits_unseen_for_what_a_command_finishes_after_it_returned(pages: Path) -> None:
    """Dialect.settle: the pause before a learner's next command, which the page does not show."""
    (pages / "conftest.py").write_text(SETTLING_DIALECT, encoding="utf-8")
    (pages / "queue.md").write_text(SETTLING_PAGE, encoding="utf-8")
    result = run(pages, "queue.md")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout.splitlines()[-1], result.stdout[-3000:]
    assert float(re.search(r" in ([\d.]+)s", result.stdout.splitlines()[-1])[1]) < SETTLE_SECONDS, (
        "the wait ended when the job landed, not at its time limit"
    )
    # The same page under the plain dialect, which waits for nothing, finds no job yet.
    (pages / "conftest.py").unlink()
    result = run(pages, "queue.md")
    assert result.returncode == 1, result.stdout[-3000:]
    assert "No such file or directory" in result.stdout, result.stdout[-3000:]
