"""Docker engines: the machine's main engine, and how any engine we start is launched.

The main engine is whatever `docker` already reaches (a learner's Docker Desktop, a CI
runner's Docker: used as it is). When nothing answers and we may, we start one ourselves,
with the local registry as its Docker Hub mirror: the machine's own `dockerd` when it is a
current one (23 or later, BuildKit by default), else today's engine from a Debian 13 root
(`engine_root`), never Debian 12's Docker 20.10 with its legacy builder.

Private engines for test workers are in `private`; they start the same way (`dockerd_argv`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from . import engine_root, registry
from .system import (
    CACHE,
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


def iptables_command(*, build: bool = False) -> list[str]:
    """The iptables the engines we start use (the root's, or the host's); [] when there is none.

    `build`: make the Debian 13 root first if it is missing (else only use one that exists)."""
    if uses_root():
        if build:
            engine_root.ensure_root()
        return ["chroot", str(engine_root.ROOT), "iptables", "-w"] if engine_root.is_ready() else []
    found = shutil.which("iptables")
    return [found, "-w"] if found else []


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


def buildx_version(env: dict[str, str] | None = None) -> str:
    """`docker buildx version` (BuildKit's client), or "" when the CLI has no buildx plugin."""
    proc = subprocess.run(["docker", "buildx", "version"], capture_output=True, text=True, env=env)
    return proc.stdout.strip() if proc.returncode == 0 else ""
