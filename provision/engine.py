"""Docker engines: the machine's main engine, and private engines for test workers.

The main engine is whatever `docker` already reaches (a learner's Docker Desktop, a CI
runner's Docker: used as it is). When nothing answers and we may, we start one ourselves,
with the local registry as its Docker Hub mirror: the machine's own `dockerd` when it is a
current one (23 or later, BuildKit by default), else today's engine from a Debian 13 root
(`engine_root`), never Debian 12's Docker 20.10 with its legacy builder.

A private engine is a second `dockerd` with its own data, socket and bridge. The
docs-as-tests plugin gives one to each test worker (so pages running side by side cannot
see each other's containers, images or names) and a fresh one to a page that must start
from an engine without images. Stopping it and deleting its data removes every trace.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import engine_root, registry
from .system import (
    CACHE,
    STATE,
    ProvisionError,
    apt_install,
    is_debian_like,
    is_root,
    phase,
    run,
    say,
    wait_until,
)

DOCKERD = "dockerd"
# What the provisioning needs from the host's Debian, installed in one go when missing
# (the engine itself comes from the Debian 13 root).
HOST_PACKAGES = {"docker-registry": "docker-registry", "debootstrap": "debootstrap"}
MIN_HOST_ENGINE = 23  # the first Docker Engine with BuildKit as its default builder
PRIVATE_RUN = Path("/run/docker-course")  # sockets and pid files (short paths: unix sockets max 108 bytes)
PRIVATE_DATA = STATE / "engines"  # image layers of private engines, on disk
MAX_PRIVATE = 32


def answers(env: dict[str, str] | None = None, timeout: float = 5) -> bool:
    """True when the engine that `env`'s DOCKER_HOST (or the default socket) names answers."""
    try:
        proc = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0 and bool(proc.stdout.strip())


def server_version(env: dict[str, str] | None = None) -> str:
    return run(["docker", "version", "--format", "{{.Server.Version}}"], env=env).stdout.strip()


def can_start_engines() -> bool:
    """Whether this process may install and run `dockerd` itself (root on Debian/Ubuntu)."""
    return is_root() and (shutil.which(DOCKERD) is not None or is_debian_like())


def host_engine_major() -> int | None:
    """The major version of this machine's own `dockerd`, or None when it has none."""
    if shutil.which(DOCKERD) is None:
        return None
    proc = subprocess.run([DOCKERD, "--version"], capture_output=True, text=True)
    found = re.search(r"version (\d+)\.", proc.stdout)
    return int(found.group(1)) if found else None


def uses_root() -> bool:
    """Whether engines we start run from the Debian 13 root rather than the host's dockerd.

    DOCKER_COURSE_ENGINE=host|root decides; otherwise the host's own engine when it is
    current, else the root where we can build it.
    """
    choice = os.environ.get("DOCKER_COURSE_ENGINE", "")
    if choice in ("host", "root"):
        return choice == "root"
    major = host_engine_major()
    if major is not None and major >= MIN_HOST_ENGINE:
        return False
    if engine_root.can_build():
        return True
    if major is None:
        raise ProvisionError(
            "This machine has no dockerd, and a current one can only be provided as root on "
            "Debian/Ubuntu. Install Docker (https://docs.docker.com/engine/install/) and run again."
        )
    say(f"warning: the host's dockerd is version {major}; builds use its legacy builder")
    return False


def dockerd_argv(args: list[str]) -> list[str]:
    """How to start `dockerd ARGS` here: the host's binary, or the Debian 13 root's."""
    if uses_root():
        return engine_root.dockerd_command(args)
    return [DOCKERD, *args]


def prepare_cli() -> None:
    """BuildKit for the host's CLI when the engines come from the root (its buildx plugin)."""
    if uses_root():
        engine_root.ensure_buildx_plugin()


def ensure_main_engine() -> None:
    """Make `docker` reach an engine, starting one if none answers and we may."""
    if answers():
        if is_root() and engine_root.is_ready():  # our engine from an earlier run
            engine_root.ensure_buildx_plugin()
        return
    if os.environ.get("DOCKER_HOST"):
        raise ProvisionError(
            f"DOCKER_HOST={os.environ['DOCKER_HOST']} does not answer. Start that engine, "
            "or unset DOCKER_HOST to let this project start a local one."
        )
    if not can_start_engines():
        raise ProvisionError(
            "No Docker engine answers, and this project can only start one as root on "
            "Debian/Ubuntu. Install and start Docker (https://docs.docker.com/engine/install/), "
            "check that `docker version` shows a Server section, then run the command again."
        )
    apt_install(HOST_PACKAGES)
    registry.ensure_running()
    argv = dockerd_argv([f"--registry-mirror={registry.MIRROR_URL}"])
    prepare_cli()
    CACHE.mkdir(exist_ok=True)
    log = CACHE / "dockerd.log"
    with phase(f"start dockerd (log: {log})"):
        subprocess.Popen(
            argv,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(answers, timeout=60, what="dockerd", log=log)
    say(f"engine: Docker {server_version()} answers on the default socket")


@dataclass
class PrivateEngine:
    """A running private `dockerd`; use `env` for every docker command aimed at it."""

    index: int
    process: subprocess.Popen[bytes]

    @property
    def run_dir(self) -> Path:
        return PRIVATE_RUN / f"e{self.index}"

    @property
    def data_dir(self) -> Path:
        return PRIVATE_DATA / f"e{self.index}"

    @property
    def bridge(self) -> str:
        return f"dcbr{self.index}"

    @property
    def host(self) -> str:
        return f"unix://{self.run_dir}/docker.sock"

    @property
    def log(self) -> Path:
        return self.run_dir / "dockerd.log"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DOCKER_HOST": self.host}

    def stop(self) -> None:
        """Stop the daemon and delete its data, bridge and sockets: nothing of it remains."""
        with contextlib.suppress(Exception):
            # Containers first, so dockerd's own shutdown does not wait on them.
            ids = run(["docker", "ps", "-aq"], env=self.env, timeout=20).stdout.split()
            if ids:
                run(["docker", "rm", "-f", *ids], env=self.env, check=False, timeout=60)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _remove_engine_files(self.index)


def _pid_alive(pidfile: Path) -> bool:
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def _unmount_below(path: Path) -> None:
    """Lazily unmount whatever a killed dockerd left mounted below `path`."""
    with contextlib.suppress(OSError):
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(f"{path}/")), reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True)


def _remove_engine_files(index: int) -> None:
    """Delete an engine's sockets, bridge and data; the data (GBs of layers) in the background."""
    run_dir, data_dir = PRIVATE_RUN / f"e{index}", PRIVATE_DATA / f"e{index}"
    for path in (run_dir, data_dir):
        _unmount_below(path)
    shutil.rmtree(run_dir, ignore_errors=True)
    if data_dir.exists():
        trash = PRIVATE_DATA / ".trash"
        trash.mkdir(parents=True, exist_ok=True)
        moved = trash / f"{data_dir.name}-{os.getpid()}-{time.monotonic_ns()}"
        data_dir.rename(moved)
        # rm -rf of an image store takes seconds; nobody needs to wait for it
        subprocess.Popen(
            ["rm", "-rf", str(moved)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    subprocess.run(["ip", "link", "delete", f"dcbr{index}"], capture_output=True)


def _claim_index() -> int:
    """Find a free engine slot; reclaim slots whose daemon died (e.g. a killed test run)."""
    PRIVATE_RUN.mkdir(parents=True, exist_ok=True)
    for index in range(MAX_PRIVATE):
        run_dir = PRIVATE_RUN / f"e{index}"
        if run_dir.exists() and _pid_alive(run_dir / "docker.pid"):
            continue
        claim = PRIVATE_RUN / f"e{index}.claim"
        try:
            fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            # Claimed by another process that may have died before starting its daemon.
            if time.time() - claim.stat().st_mtime < 120:
                continue
            claim.unlink(missing_ok=True)
            fd = os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        os.close(fd)
        _remove_engine_files(index)
        return index
    raise ProvisionError(f"All {MAX_PRIVATE} private engine slots under {PRIVATE_RUN} are in use.")


def start_private_engine(*, mirror: bool = True) -> PrivateEngine:
    """Start a private dockerd with its own bridge; it pulls Docker Hub images via the mirror."""
    if not can_start_engines():
        raise ProvisionError("Private engines need root on a machine with dockerd.")
    apt_install(HOST_PACKAGES)
    index = _claim_index()
    PRIVATE_RUN.mkdir(parents=True, exist_ok=True)
    # Starting daemons create shared iptables chains (DOCKER, ...) without locking: two at
    # once fail with "Chain already exists". One start at a time, across processes.
    with (PRIVATE_RUN / "start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _start(index, mirror)


def _start(index: int, mirror: bool) -> PrivateEngine:
    try:
        run_dir, data_dir, bridge = PRIVATE_RUN / f"e{index}", PRIVATE_DATA / f"e{index}", f"dcbr{index}"
        run_dir.mkdir(parents=True)
        data_dir.mkdir(parents=True)
        (run_dir / "daemon.json").write_text(json.dumps({}))  # never read the main engine's config
        run(["ip", "link", "add", "name", bridge, "type", "bridge"])
        run(["ip", "addr", "add", f"172.30.{index}.1/24", "dev", bridge])
        run(["ip", "link", "set", bridge, "up"])
        args = [
            f"--data-root={data_dir}",
            f"--exec-root={run_dir}/x",
            f"--pidfile={run_dir}/docker.pid",
            f"--host=unix://{run_dir}/docker.sock",
            f"--config-file={run_dir}/daemon.json",
            f"--bridge={bridge}",
        ]
        if mirror:
            args.append(f"--registry-mirror={registry.MIRROR_URL}")
        log = run_dir / "dockerd.log"
        process = subprocess.Popen(
            dockerd_argv(args),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        engine = PrivateEngine(index, process)
        try:
            wait_until(
                lambda: process.poll() is None and answers(engine.env, timeout=2),
                timeout=60,
                what=f"private dockerd #{index}",
                log=log,
            )
        except BaseException:
            engine.stop()
            raise
        return engine
    finally:
        (PRIVATE_RUN / f"e{index}.claim").unlink(missing_ok=True)


def buildx_version(env: dict[str, str] | None = None) -> str:
    """`docker buildx version` (BuildKit's client), or "" when the CLI has no buildx plugin."""
    proc = subprocess.run(["docker", "buildx", "version"], capture_output=True, text=True, env=env)
    return proc.stdout.strip() if proc.returncode == 0 else ""
