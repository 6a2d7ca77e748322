"""The goals app as learners run it: built from goals-app/Dockerfile, run with `-p`, stopped.

Each test module run builds one uniquely tagged image and removes it, and every container
it started, afterwards, also when a test fails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.goals_container import Container, docker, goals_container, goals_image

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def image(docker_engine: None) -> Iterator[str]:
    with goals_image() as tag:
        yield tag


@pytest.fixture
def container(image: str) -> Iterator[Container]:
    with goals_container(image) as running:
        yield running


def test_image_is_configured_as_in_lecture_22(image: str) -> None:
    config = docker(
        "image",
        "inspect",
        "--format",
        "{{.Config.WorkingDir}}|{{json .Config.Cmd}}|{{json .Config.ExposedPorts}}",
        image,
    )
    assert config == '/app|["node","server.js"]|{"80/tcp":{}}'


def test_image_has_no_host_node_modules_or_git(image: str) -> None:
    listing = docker("run", "--rm", image, "ls", "-a", "/app")
    assert "server.js" in listing and "package.json" in listing
    # node_modules exists, but was made by `RUN npm install` inside the image:
    owner = docker(
        "run",
        "--rm",
        image,
        "node",
        "-e",
        "console.log(require('/app/node_modules/express/package.json').name)",
    )
    assert owner == "express"


def test_get_and_post_through_published_port(container: Container) -> None:
    page = httpx.get(container.url)
    assert page.status_code == 200 and "My Course Goal" in page.text and "Learn Docker!" in page.text
    stored = httpx.post(f"{container.url}/store-goal", data={"goal": "Ship <my> image"})
    assert stored.status_code == 302 and stored.headers["location"] == "/"
    assert "Ship &lt;my&gt; image" in httpx.get(container.url).text
    assert "Ship <my> image" in container.logs()  # the app logs each stored goal


@pytest.mark.parametrize(
    ("body", "status"),
    [({"goal": ""}, 400), ({"goal": "x" * 201}, 400), ({"goal": "y" * 11_000}, 413)],
    ids=["empty", "too-long", "body-over-10kb"],
)
def test_bad_input_is_refused_and_state_kept(container: Container, body: dict[str, str], status: int) -> None:
    httpx.post(f"{container.url}/store-goal", data={"goal": "Keep me"})
    refused = httpx.post(f"{container.url}/store-goal", data=body)
    assert refused.status_code == status
    assert "Keep me" in httpx.get(container.url).text


def test_docker_stop_is_fast(container: Container) -> None:
    started = time.monotonic()
    docker("stop", container.id, timeout=30)
    elapsed = time.monotonic() - started
    assert elapsed < 2, f"docker stop took {elapsed:.1f} s: the app must handle SIGTERM as PID 1"
    assert docker("inspect", "--format", "{{.State.ExitCode}}", container.id) == "0"


def test_a_container_whose_app_never_answers_is_removed_all_the_same(docker_engine: None) -> None:
    """`node` with no program exits at once: the wait fails, and no container is left behind."""
    with pytest.raises(AssertionError, match="never answered"), goals_container("node", answer_within=2):
        pass
    leftovers = docker("ps", "-a", "--filter", "name=^goals-test-", "--filter", "ancestor=node", "-q")
    assert leftovers == "", f"containers left behind: {leftovers}"
