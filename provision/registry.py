"""A local registry (Debian's `docker-registry`) that stands in for Docker Hub.

Engines the project starts use it as their Docker Hub mirror: `docker pull node` asks it
first, so an engine without the image shows the lecture's real "Unable to find image"
and "Pulling from library/node" lines, offline.
"""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request

from .system import CACHE, STATE, apt_install, phase, say, wait_until

# Overridable so a benchmark can measure a cold start against an empty registry of its own.
ADDRESS = os.environ.get("DOCKER_COURSE_REGISTRY", "127.0.0.1:5000")
MIRROR_URL = f"http://{ADDRESS}"
BINARY = "/usr/bin/docker-registry"

CONFIG = """\
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: {address}
"""


def _get(path: str, *, accept: str = "") -> int:
    request = urllib.request.Request(f"{MIRROR_URL}{path}", method="HEAD")
    if accept:
        request.add_header("Accept", accept)
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def digest(repository: str, tag: str) -> str:
    """The manifest digest the registry serves for `repository:tag` ("" when it has none)."""
    request = urllib.request.Request(f"{MIRROR_URL}/v2/{repository}/manifests/{tag}", method="HEAD")
    request.add_header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return str(response.headers.get("Docker-Content-Digest", ""))
    except OSError:
        return ""


def is_running() -> bool:
    return _get("/v2/") == 200


def has_image(repository: str, tag: str) -> bool:
    """True when the registry serves `repository:tag` (e.g. library/node:latest)."""
    accept = "application/vnd.docker.distribution.manifest.v2+json"
    return _get(f"/v2/{repository}/manifests/{tag}", accept=accept) == 200


def ensure_running() -> None:
    """Start the registry on 127.0.0.1:5000 unless it already answers."""
    if is_running():
        return
    apt_install({"docker-registry": BINARY})
    root = STATE / "registry"
    root.mkdir(parents=True, exist_ok=True)
    CACHE.mkdir(exist_ok=True)
    config = STATE / f"registry-{ADDRESS.rsplit(':', 1)[-1]}.yml"
    config.write_text(CONFIG.format(root=root, address=ADDRESS))
    log = CACHE / f"registry-{ADDRESS.rsplit(':', 1)[-1]}.log"
    with phase(f"start the local registry on {ADDRESS} (log: {log})"):
        subprocess.Popen(
            [BINARY, "serve", str(config)],
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives `make`, like a service would
        )
        wait_until(is_running, timeout=20, what=f"The registry on {ADDRESS}", log=log)
    say(f"registry: serving {MIRROR_URL} from {root}")
