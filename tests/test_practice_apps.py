"""Tests for lecture 37's practice apps, run as a learner runs them without Docker.

examples/practice-node/server.js is a web server that counts its visits; examples/practice-python/
convert.py reads degrees Celsius from its input and prints degrees Fahrenheit. The doc tests of
lecture 37 build and run both in containers; these tests check the apps themselves, cheaply.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
NODE_APP = REPO / "examples" / "practice-node"
PYTHON_APP = REPO / "examples" / "practice-python"
STARTUP_TIMEOUT_S = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_node_app_counts_visits_to_its_page_and_stops_on_sigterm() -> None:
    node = shutil.which("node")
    assert node, "node is not installed"
    port = _free_port()
    proc = subprocess.Popen(
        [node, str(NODE_APP / "server.js")],
        cwd=REPO,
        env={**os.environ, "PORT": str(port)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == f"Practice app listening on port {port}"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5.0) as http:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while True:
                try:
                    first = http.get("/")
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the practice app never answered"
                    time.sleep(0.1)
            assert first.status_code == 200
            assert first.text == "Hello from the practice app! Visits so far: 1\n"
            assert http.get("/").text == "Hello from the practice app! Visits so far: 2\n"
            missing = http.get("/favicon.ico")  # a browser's extra request is not a visit
            assert missing.status_code == 404
            assert http.get("/").text == "Hello from the practice app! Visits so far: 3\n"
        proc.send_signal(signal.SIGTERM)  # what `docker stop` sends: the app must end at once
        assert proc.wait(timeout=3) == 0
        assert proc.stdout.read().strip() == "SIGTERM received, shutting down"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.mark.parametrize(
    ("celsius", "answer"),
    [
        ("100", "100 degrees Celsius is 212 degrees Fahrenheit."),
        ("37", "37 degrees Celsius is 98.6 degrees Fahrenheit."),
        ("-40", "-40 degrees Celsius is -40 degrees Fahrenheit."),
        ("21.5", "21.5 degrees Celsius is 70.7 degrees Fahrenheit."),
    ],
)
def test_the_python_program_converts_celsius_to_fahrenheit(celsius: str, answer: str) -> None:
    result = subprocess.run(
        [sys.executable, str(PYTHON_APP / "convert.py")],
        input=f"{celsius}\n",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "Convert degrees Celsius to degrees Fahrenheit.\nDegrees Celsius?\n> " + answer + "\n"
    )


def test_the_python_program_without_input_fails_as_lecture_31_shows() -> None:
    """No input connected (docker run without -it): input() meets EOF, exit code 1."""
    result = subprocess.run(
        [sys.executable, str(PYTHON_APP / "convert.py")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "EOFError: EOF when reading a line" in result.stderr
