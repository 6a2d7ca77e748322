"""A page's `docker login` never reaches the machine's ~/.docker (lectures 39-40 log in).

Each page gets a Docker CLI configuration of its own (docstest/docker/scope.py): what a page
writes there is gone when the page ends, even if it failed before its `docker logout`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import nested_pytest_env, run_pytest

pytestmark = pytest.mark.docker

PAGE = """\
```console
$ test "$(basename "$DOCKER_CONFIG")" = .docker && echo own config
own config
$ echo '{"auths": {"localhost:5999": {"auth": "c3R1ZGVudDp4"}}}' > "$DOCKER_CONFIG/config.json"
$ echo "$DOCKER_CONFIG" > "$DOCSTEST_REPO/config-path"
$ docker version --format '{{.Client.Os}}'
linux
$ false
```
"""


def test_a_pages_logins_stay_in_its_own_config_and_go_with_it(tmp_path: Path, docker_engine: None) -> None:
    machine = tmp_path / "machine-docker"
    machine.mkdir()
    (machine / "config.json").write_text('{"auths": {}}\n')
    (tmp_path / "pytest.ini").write_text("[pytest]\ndocstest_roots = .\n")
    (tmp_path / "page.md").write_text(PAGE)
    mark = tmp_path / "config-path"
    env = {**nested_pytest_env(own_engine=False), "DOCKER_CONFIG": str(machine)}
    result = run_pytest(tmp_path, "page.md", "-p", "no:xdist", "-p", "no:cacheprovider", env=env, timeout=300)
    assert "1 failed" in result.stdout, result.stdout[-3000:]  # the page failed before any logout
    assert "page.md:8: " in result.stdout, "the failure is the page's `false`, after its login"
    page_config = Path(mark.read_text().strip())
    assert page_config != machine and not page_config.exists(), "the page's config is removed with the page"
    assert (machine / "config.json").read_text() == '{"auths": {}}\n', "the machine's logins are untouched"
    assert os.environ.get("DOCKER_CONFIG") != str(page_config)
