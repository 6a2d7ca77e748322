"""Small helpers to run commands and install Debian packages, with readable failures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache"  # ignored by git: logs and scratch files of this checkout
STATE = Path(os.environ.get("DOCKER_COURSE_STATE", "/var/lib/docker-course"))  # outlives checkouts


class ProvisionError(RuntimeError):
    """A step failed in a way the user must act on; the message says how."""


def say(message: str) -> None:
    print(f"[provision] {message}", file=sys.stderr, flush=True)


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Print a phase's start and its duration, so a slow cold start is never silent."""
    say(f"{name} ...")
    started = time.monotonic()
    yield
    say(f"{name}: done in {time.monotonic() - started:.1f} s")


def run(
    args: Sequence[str],
    *,
    check: bool = True,
    timeout: float = 600,
    env: dict[str, str] | None = None,
    input: bytes | None = None,
    quiet: bool = True,
    cwd: str | Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure raise ProvisionError with its output's tail."""
    try:
        proc = subprocess.run(
            list(args),
            input=input.decode() if input is not None else None,
            capture_output=quiet,
            text=True,
            timeout=timeout,
            env=env,
            cwd=cwd,
        )
    except FileNotFoundError as error:
        raise ProvisionError(f"`{args[0]}` is not installed here ({error.strerror})") from None
    except subprocess.TimeoutExpired:
        raise ProvisionError(f"`{' '.join(args)}` did not finish within {timeout:.0f} s") from None
    if check and proc.returncode != 0:
        tail = ((proc.stdout or "") + (proc.stderr or "")).strip().splitlines()[-15:]
        raise ProvisionError(f"`{' '.join(args)}` exited with {proc.returncode}:\n    " + "\n    ".join(tail))
    return proc


def is_root() -> bool:
    return os.geteuid() == 0


def is_debian_like() -> bool:
    return Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def os_release() -> dict[str, str]:
    values: dict[str, str] = {}
    for line in Path("/etc/os-release").read_text().splitlines():
        key, _, value = line.partition("=")
        values[key] = value.strip('"')
    return values


_apt_updated = False


def apt_install(packages: dict[str, str]) -> None:
    """Install the Debian packages whose command (the dict's value) is not on PATH yet.

    One `apt-get` call for everything missing: on a fresh machine the update and install
    are a good part of the cold start.
    """
    global _apt_updated
    missing = [
        pkg
        for pkg, command in packages.items()
        if shutil.which(command) is None and not Path(command).exists()
    ]
    if not missing:
        return
    if not (is_root() and is_debian_like()):
        raise ProvisionError(
            f"Needs the Debian packages {', '.join(missing)}, and this is not a Debian/Ubuntu "
            "machine where we run as root. Install them yourself (for Docker, see "
            "https://docs.docker.com/engine/install/) and run the command again."
        )
    with phase(f"apt-get install {' '.join(missing)}"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if not _apt_updated:
            run(["apt-get", "update", "-qq"], env=env)
            _apt_updated = True
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)


def wait_until(
    predicate: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    log: Path | None = None,
    interval: float = 0.2,
) -> None:
    """Poll `predicate` until true; on timeout name what was awaited and show the log tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    tail = ""
    if log is not None and log.exists():
        tail = "\n    " + "\n    ".join(log.read_text(errors="replace").splitlines()[-15:])
    raise ProvisionError(f"{what} did not become ready within {timeout:.0f} s.{tail}")


def pipe(producer: Sequence[str], consumer: Sequence[str], *, timeout: float = 600) -> str:
    """Run `producer | consumer` without a temporary file; return the consumer's stdout."""
    with subprocess.Popen(list(producer), stdout=subprocess.PIPE) as source:
        proc = subprocess.run(
            list(consumer), stdin=source.stdout, capture_output=True, text=True, timeout=timeout
        )
        if source.stdout is not None:  # always, with stdout=PIPE
            source.stdout.close()
        source.wait(timeout=timeout)
    if source.returncode or proc.returncode:
        raise ProvisionError(
            f"`{' '.join(producer)} | {' '.join(consumer)}` failed "
            f"({source.returncode}, {proc.returncode}): {proc.stderr.strip()[-800:]}"
        )
    return proc.stdout


def debian_mirror() -> str:
    """The Debian mirror apt uses on this host (debootstrap and the images use it too)."""
    sources = [
        *Path("/etc/apt/sources.list.d").glob("*.sources"),
        Path("/etc/apt/sources.list"),
        *Path("/etc/apt/sources.list.d").glob("*.list"),
    ]
    for path in sources:
        if not path.exists():
            continue
        text = path.read_text()
        match = re.search(r"^URIs:\s*(\S+/debian)/?\s*$", text, re.M) or re.search(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)/?\s", text, re.M
        )
        if match:
            return match.group(1)
    return "http://deb.debian.org/debian"
