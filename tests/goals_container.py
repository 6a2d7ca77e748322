"""The goals app's image and containers, as the tests build and run them (lecture 22's way).

Shared by the container tests and the browser test that takes the lecture's screenshot.
"""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

GOALS_APP = Path(__file__).resolve().parent.parent / "goals-app"


def docker(*args: str, timeout: float = 120) -> str:
    proc = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"docker {' '.join(args)} -> {proc.returncode}\n{proc.stderr}"
    return proc.stdout.strip()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def goals_image() -> Iterator[str]:
    """goals-app built with a unique tag, removed afterwards (also when a test fails)."""
    tag = f"goals-test-{uuid.uuid4().hex[:8]}"
    docker("build", "-q", "-t", tag, str(GOALS_APP), timeout=600)
    try:
        yield tag
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)


class Container:
    def __init__(self, image: str, name: str, answer_within: float = 20) -> None:
        self.port = free_port()
        self.id = docker("run", "-d", "--name", name, "-p", f"127.0.0.1:{self.port}:80", image)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + answer_within
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"container never answered on {self.url}:\n{self.logs()}")

    def logs(self) -> str:
        return subprocess.run(["docker", "logs", self.id], capture_output=True, text=True).stdout


@contextmanager
def goals_container(image: str, answer_within: float = 20) -> Iterator[Container]:
    """A container of `image` published on a free loopback port, removed afterwards.

    Removed by its name, which is chosen before `docker run`: a run that fails after creating
    the container (say, at publishing the port) or an app that never answers leaves nothing behind.
    """
    name = f"goals-test-{uuid.uuid4().hex[:8]}"
    try:
        yield Container(image, name, answer_within)
    finally:
        subprocess.run(["docker", "rm", "-f", name], capture_output=True)
