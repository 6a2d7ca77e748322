"""The goals app as learners run it: built from goals-app/Dockerfile, run with `-p`, stopped.

Each test module run builds one uniquely tagged image and removes it, and every container
it started, afterwards, also when a test fails.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.docker

GOALS_APP = Path(__file__).resolve().parent.parent / "goals-app"


def docker(*args: str, timeout: float = 120) -> str:
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"docker {' '.join(args)} -> {proc.returncode}\n{proc.stderr}"
    return proc.stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def image(docker_engine: None) -> Iterator[str]:
    tag = f"goals-test-{uuid.uuid4().hex[:8]}"
    docker("build", "-q", "-t", tag, str(GOALS_APP), timeout=600)
    try:
        yield tag
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


class Container:
    def __init__(self, image: str) -> None:
        self.port = free_port()
        self.id = docker("run", "-d", "-p", f"127.0.0.1:{self.port}:80", image)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"container never answered on {self.url}:\n{self.logs()}")

    def logs(self) -> str:
        return subprocess.run(["docker", "logs", self.id], capture_output=True, text=True).stdout


@pytest.fixture
def container(image: str) -> Iterator[Container]:
    running = Container(image)
    try:
        yield running
    finally:
        subprocess.run(["docker", "rm", "-f", running.id], capture_output=True)


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
