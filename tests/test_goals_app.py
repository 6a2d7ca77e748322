"""Tests for goals-app/server.js, run against the real `node server.js` process.

The course's goals app is what learners put into their first image, so these
tests check what a learner (or `docker stop`) would see over HTTP and signals.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
GOALS_APP = REPO / "goals-app"
STARTUP_TIMEOUT_S = 10.0
NPM_CI_TIMEOUT_S = 300.0
NODE_TEST_TIMEOUT_S = 120.0


@dataclass
class RunningServer:
    """A started `node server.js` with everything it printed so far."""

    proc: subprocess.Popen[str]
    port: int
    lines: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _free_port() -> int:
    """Ask the OS for a free port; PORT=0 won't do, the app prints the port it was given."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _node() -> str:
    """Path of the node binary; the suite fails (not skips) without it."""
    node = shutil.which("node")
    assert node, "node is not installed"
    return node


def _start_server() -> RunningServer:
    """Start the app from the repo root (proving it doesn't rely on cwd) and wait for its startup line."""
    port = _free_port()
    proc = subprocess.Popen(
        [_node(), str(GOALS_APP / "server.js")],
        cwd=REPO,
        env={**os.environ, "PORT": str(port)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = RunningServer(proc=proc, port=port)
    ready = threading.Event()

    def read_output() -> None:
        # Keep draining the pipe for the whole run, so the app never blocks on logging.
        assert proc.stdout is not None
        for line in proc.stdout:
            server.lines.append(line.rstrip("\n"))
            if line.startswith("Goals app listening on port"):
                ready.set()
        ready.set()  # EOF: the process died, stop waiting

    threading.Thread(target=read_output, daemon=True).start()
    if not ready.wait(STARTUP_TIMEOUT_S) or proc.poll() is not None:
        _stop_server(server)
        pytest.fail("server did not start:\n" + "\n".join(server.lines))
    return server


def _stop_server(server: RunningServer) -> None:
    """Stop the process for sure, so no node is left running after the suite."""
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=5)
    if server.proc.stdout is not None:
        server.proc.stdout.close()


@pytest.fixture(scope="session")
def goals_app_ready() -> Path:
    """Install the locked dependencies if this is a fresh clone (node_modules is not committed)."""
    if not (GOALS_APP / "node_modules" / "express").is_dir():
        npm = shutil.which("npm")
        assert npm, "npm is not installed"
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=GOALS_APP,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT_S,
        )
        assert result.returncode == 0, f"npm ci failed:\n{result.stdout}\n{result.stderr}"
    return GOALS_APP


@pytest.fixture(scope="module")
def server(goals_app_ready: Path) -> Iterator[RunningServer]:
    """One shared server for the module: starting node per test would slow the suite down."""
    running = _start_server()
    try:
        yield running
    finally:
        _stop_server(running)


@pytest.fixture
def fresh_server(goals_app_ready: Path) -> Iterator[RunningServer]:
    """A server of its own, for tests that need the initial state or kill the process."""
    running = _start_server()
    try:
        yield running
    finally:
        _stop_server(running)


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    """HTTP client for the shared server; redirects are not followed, so 302s can be checked."""
    with httpx.Client(base_url=server.base_url, timeout=5.0, follow_redirects=False) as http:
        yield http


def _current_goal_html(http: httpx.Client) -> str:
    response = http.get("/")
    assert response.status_code == 200
    return response.text


def _set_goal(http: httpx.Client, goal: str) -> None:
    """Set a known goal first, so a test never depends on what ran before it."""
    response = http.post("/store-goal", data={"goal": goal})
    assert response.status_code == 302


def test_home_page_shows_title_form_and_initial_goal(fresh_server: RunningServer) -> None:
    """A fresh server shows the course page with the initial goal and prints one startup line."""
    response = httpx.get(fresh_server.base_url + "/", timeout=5.0)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="en">' in html
    assert "<title>My Course Goal</title>" in html
    assert '<link rel="stylesheet" href="/styles.css">' in html
    assert "<h2>My Course Goal</h2>" in html
    assert "<h3>Learn Docker!</h3>" in html
    assert '<form method="POST" action="/store-goal">' in html
    assert 'name="goal"' in html and 'maxlength="200"' in html and "required" in html
    assert "Set Course Goal" in html
    assert fresh_server.lines == [f"Goals app listening on port {fresh_server.port}"]


def test_post_stores_trimmed_goal_and_redirects(client: httpx.Client, server: RunningServer) -> None:
    """Posting the form stores the trimmed goal, logs it, and sends the browser back to /."""
    response = client.post("/store-goal", data={"goal": "  Ship a container  "})
    assert response.status_code == 302
    assert response.headers["location"] == "/"
    assert "<h3>Ship a container</h3>" in _current_goal_html(client)
    deadline = time.monotonic() + 2
    while "Stored goal: Ship a container" not in server.lines and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "Stored goal: Ship a container" in server.lines


def test_goal_is_html_escaped(client: httpx.Client) -> None:
    """User text must be shown as text, never run as markup (no stored XSS)."""
    _set_goal(client, "<script>alert(\"x\")</script> & 'quotes'")
    html = _current_goal_html(client)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;" in html


@pytest.mark.parametrize("body", ["", "goal=", "goal=%20%20%20"], ids=["missing", "empty", "blank"])
def test_empty_goal_is_rejected(client: httpx.Client, body: str) -> None:
    """No goal at all is a 400 with a clear message, and the old goal stays."""
    _set_goal(client, "Keep me")
    response = client.post(
        "/store-goal",
        content=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "Please enter a goal." in response.text
    assert "<h3>Keep me</h3>" in _current_goal_html(client)


def test_goal_over_200_characters_is_rejected(client: httpx.Client) -> None:
    """201 characters is one too many: 400 naming the limit, old goal kept."""
    _set_goal(client, "Keep me")
    response = client.post("/store-goal", data={"goal": "a" * 201})
    assert response.status_code == 400
    assert "200 characters" in response.text
    assert "<h3>Keep me</h3>" in _current_goal_html(client)


def test_goal_of_200_characters_is_accepted(client: httpx.Client) -> None:
    """Exactly at the limit is still fine (off-by-one check)."""
    goal = "b" * 200
    _set_goal(client, goal)
    assert f"<h3>{goal}</h3>" in _current_goal_html(client)


def test_body_over_10kb_is_rejected_and_server_survives(client: httpx.Client) -> None:
    """A huge body gets 413 with a short message (no stack trace); the server keeps going."""
    _set_goal(client, "Keep me")
    response = client.post(
        "/store-goal",
        content="goal=" + "x" * (11 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "too large" in response.text
    assert "    at " not in response.text
    assert "<h3>Keep me</h3>" in _current_goal_html(client)


def test_styles_css_is_served(client: httpx.Client) -> None:
    """The stylesheet is found via __dirname, even though the server runs from the repo root."""
    response = client.get("/styles.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert ".card" in response.text


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_server_quickly(fresh_server: RunningServer, sig: signal.Signals) -> None:
    """As PID 1 in a container, node must exit on its own, or `docker stop` waits 10 s."""
    with httpx.Client(base_url=fresh_server.base_url, timeout=5.0) as http:
        assert http.get("/").status_code == 200  # leaves a keep-alive connection open
        started = time.monotonic()
        fresh_server.proc.send_signal(sig)
        code = fresh_server.proc.wait(timeout=5)
        elapsed = time.monotonic() - started
    assert code == 0
    assert elapsed < 1.0, f"took {elapsed:.2f} s"


def test_node_test_suite_passes(goals_app_ready: Path) -> None:
    """The app's own node:test suite (what `npm test` runs) must pass too."""
    result = subprocess.run(
        [_node(), "--test"],
        cwd=goals_app_ready,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=NODE_TEST_TIMEOUT_S,
    )
    assert result.returncode == 0, f"node --test failed:\n{result.stdout}\n{result.stderr}"
