"""The course site as a container (the repository's Dockerfile): built from this repository on the
course's own base images, run with a published port, serving pages gzipped and a real 404.

The image gets a unique tag and is removed afterwards with its containers, also when a test fails.
"""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hooks.offline import ZIP_PATH
from hooks.vendor_assets import ASSETS
from tests.goals_container import Container, docker, goals_container

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = REPO / "Dockerfile"


def test_the_dockerfile_fetches_the_npm_files_the_hook_pins() -> None:
    """The image's npm stage lists hooks/vendor_assets.py's ASSETS (the hook checks SHA-256)."""
    listed = re.search(r'for asset in ((?:"[^"]+"\s*)+); do', DOCKERFILE.read_text())
    assert listed, 'Dockerfile: the npm stage\'s `for asset in "package version file" ...; do` loop'
    in_dockerfile = sorted(tuple(item.split()) for item in re.findall(r'"([^"]+)"', listed.group(1)))
    pinned = sorted((package, version, member) for package, version, member, _, _ in ASSETS)
    assert in_dockerfile == pinned, "update the Dockerfile's npm stage to hooks/vendor_assets.py's ASSETS"


@pytest.fixture(scope="module")
def image(docker_engine: None) -> Iterator[str]:
    tag = f"docker-course-test-{uuid.uuid4().hex[:8]}"
    try:
        docker("build", "-q", "-t", tag, str(REPO), timeout=1200)
        yield tag
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


@pytest.fixture(scope="module")
def site(image: str) -> Iterator[Container]:
    with goals_container(image) as running:  # any image serving on port 80; removed by name
        yield running


@pytest.mark.docker
@pytest.mark.parametrize("path", ["/", "/lectures/22-dockerfile/"])
def test_pages_are_served_gzipped(site: Container, path: str) -> None:
    response = httpx.get(site.url + path, headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert response.status_code == 200, site.logs()
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert int(response.headers["content-length"]) < len(response.content) / 2  # really compressed
    assert "<article" in response.text  # httpx decompressed it: the page itself


@pytest.mark.docker
def test_a_missing_page_gives_the_sites_404(site: Container) -> None:
    response = httpx.get(site.url + "/lectures/99-missing/", timeout=10)
    assert response.status_code == 404
    assert "md-content" in response.text, "the site's own 404 page, not a bare error"


@pytest.mark.docker
def test_the_offline_zip_is_served_for_the_home_pages_link(site: Container) -> None:
    response = httpx.head(f"{site.url}/{ZIP_PATH}", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert int(response.headers["content-length"]) > 100_000


@pytest.mark.docker
def test_the_server_runs_unprivileged_and_stops_at_once(image: str) -> None:
    assert docker("image", "inspect", "--format", "{{.Config.User}}", image) == "nobody"
    with goals_container(image) as running:
        started = time.monotonic()
        result = subprocess.run(["docker", "stop", running.id], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 5, "SIGTERM stops the server (not the 10 s kill)"
        assert docker("inspect", "--format", "{{.State.ExitCode}}", running.id) == "0"
