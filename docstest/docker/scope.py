"""Where a page's `docker` commands go, and how everything the page made is removed.

Each test worker gets its own private engine (provision.engine), pre-loaded with the base
images: pages on different workers cannot see each other's containers, images or names,
and cleaning up after a page is "remove everything but the base images". A page with
`engine: fresh` gets an engine of its own with no images at all, deleted after the page.
Where private engines cannot be started (not root), pages share the machine's engine and
are cleaned up by comparing what exists before and after them. Each is the page's Scope
(docstest/dialect.py): the core asks it whether the engine still works, to tidy up after a
command it retries, and to remove what the page made.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from provision import engine, images, private, registry
from provision.system import ProvisionError

from ..ci import unavailable
from ..dialect import Scope


def require_docker() -> None:
    """Skip (fail under CI=true) what needs Docker when no engine answers."""
    if not engine.answers():
        unavailable("no Docker engine answers (run `make images`, or start Docker yourself)")


def docker(env: dict[str, str], *args: str, timeout: float = 120, check: bool = True) -> str:
    proc = subprocess.run(["docker", *args], env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise ProvisionError(f"docker {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout


@dataclass
class Inventory:
    containers: set[str] = field(default_factory=set)
    images: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)
    volumes: set[str] = field(default_factory=set)

    @classmethod
    def take(cls, env: dict[str, str]) -> Inventory:
        """What the engine holds. Asked over the API socket (milliseconds) where it is local,
        else with the CLI; it runs around every page, so it must be cheap."""
        socket_path = _unix_socket(env)
        if socket_path is not None:
            get = functools.partial(_api_get, socket_path)
            return cls(
                containers={c["Id"] for c in get("/containers/json?all=1")},
                images={i["Id"] for i in get("/images/json?all=1")},
                networks={n["Id"] for n in get("/networks") if n["Name"] not in ("bridge", "host", "none")},
                volumes={v["Name"] for v in (get("/volumes").get("Volumes") or [])},
            )

        def ids(*args: str) -> set[str]:
            return set(docker(env, *args).split())

        return cls(
            containers=ids("ps", "-aq", "--no-trunc"),
            images=ids("images", "-aq", "--no-trunc"),
            networks=ids("network", "ls", "-q", "--no-trunc", "--filter", "type=custom"),
            volumes=ids("volume", "ls", "-q"),
        )


def _unix_socket(env: dict[str, str]) -> str | None:
    host = env.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    return host.removeprefix("unix://") if host.startswith("unix://") else None


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.path)


def _api_get(socket_path: str, path: str) -> Any:
    connection = _UnixConnection(socket_path)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise ProvisionError(f"Docker API GET {path}: {response.status} {body[:200]!r}")
        return json.loads(body)
    finally:
        connection.close()


def remove_all_but(env: dict[str, str], keep: Inventory) -> Inventory:
    """Remove every container, image, custom network and volume not in `keep`; return what was removed."""
    now = Inventory.take(env)
    gone = Inventory(
        now.containers - keep.containers,
        now.images - keep.images,
        now.networks - keep.networks,
        now.volumes - keep.volumes,
    )
    if gone.containers:
        docker(env, "rm", "-f", "-v", *gone.containers, check=False, timeout=120)
    if gone.images:
        docker(env, "rmi", "-f", *gone.images, check=False, timeout=120)
    if gone.networks:
        docker(env, "network", "rm", *gone.networks, check=False)
    if gone.volumes:
        docker(env, "volume", "rm", "-f", *gone.volumes, check=False)
    # BuildKit's cache outlives the images: without this, the next page's build would show
    # `CACHED` steps that its learner never built.
    docker(env, "builder", "prune", "-af", check=False, timeout=120)
    return gone


class EngineScope(Scope):
    """The engine a page uses (the page's Scope); `remove()` removes what the page made."""

    engine_env: dict[str, str]  # the environment `docker` runs with to reach this engine
    _client_config: Path | None = None

    @property
    def env(self) -> Mapping[str, str]:
        host = self.engine_env.get("DOCKER_HOST")
        return ({"DOCKER_HOST": host} if host else {}) | {"DOCKER_CONFIG": str(self.client_config)}

    @property
    def client_config(self) -> Path:
        """The page's own Docker CLI configuration (`docker login` writes its credentials there):
        a page never reads or changes the machine's ~/.docker, even when it fails before its
        `docker logout`. Named `.docker` as a learner's is, inside a folder the sweep knows."""
        if self._client_config is None:
            parent = Path(tempfile.mkdtemp(prefix=f"docstest-{os.getpid()}-cli-", dir=self.folder))
            self._client_config = parent / ".docker"
            self._client_config.mkdir()
            machine = Path(os.environ.get("DOCKER_CONFIG") or Path.home() / ".docker") / "config.json"
            if machine.is_file():  # the machine's own logins still serve the page's pulls
                shutil.copyfile(machine, self._client_config / "config.json")
        return self._client_config

    def problem(self) -> str | None:
        """Why the engine cannot be used any more (it died), or None while it works."""
        return None if engine.answers(self.engine_env) else "the machine's Docker engine does not answer"

    def attempt(self) -> Callable[[], None]:
        """A `docker run` whose port was taken leaves its container (and its --name) behind:
        the function returned removes the containers made since."""
        before = self._containers()

        def undo() -> None:
            new = self._containers() - before
            if new:
                with contextlib.suppress(Exception):
                    docker(self.engine_env, "rm", "-f", *sorted(new), check=False)

        return undo

    def _containers(self) -> set[str]:
        try:
            return Inventory.take(self.engine_env).containers
        except Exception:  # only a retry's tidying depends on it
            return set()

    def finish(self) -> list[str]:
        if self._client_config is not None:
            shutil.rmtree(self._client_config.parent, ignore_errors=True)
            self._client_config = None
        try:
            self.remove()
        except Exception as error:  # report, but never leave the rest of the page's tidying undone
            return [f"cleanup of Docker objects failed: {error}"]
        return []

    def remove(self) -> None:
        raise NotImplementedError


class PrivateScope(EngineScope):
    """A page on a worker's private engine: everything beyond the base images is the page's."""

    def __init__(self, worker: WorkerEngine) -> None:
        self.worker = worker
        self.engine_env = worker.env

    @property
    def folder(self) -> Path | None:
        return self.worker.pages_dir()

    def problem(self) -> str | None:
        return self.worker.engine_problem()

    def remove(self) -> None:
        remove_all_but(self.engine_env, self.worker.baseline)
        if not self.worker.baseline.images <= Inventory.take(self.engine_env).images:
            self.worker.ensure_base_images()  # the page removed a base image: restore it


class FreshScope(EngineScope):
    """A page with an engine of its own, with no images: stopped and deleted afterwards."""

    def __init__(self) -> None:
        self.engine = private.start_private_engine(mirror=True)
        _running.append(self.engine)
        self.engine_env = self.engine.env

    def remove(self) -> None:
        self.engine.stop()
        with contextlib.suppress(ValueError):
            _running.remove(self.engine)

    def problem(self) -> str | None:
        return None if self.engine.alive() else self.engine.death_note()


class SharedScope(EngineScope):
    """Fallback on the machine's own engine: remove what appeared during the page."""

    def __init__(self) -> None:
        self.engine_env = dict(os.environ)
        self.before = Inventory.take(self.engine_env)

    def remove(self) -> None:
        remove_all_but(self.engine_env, self.before)


_running: list[private.PrivateEngine] = []


def _stop_all() -> None:
    for running in list(_running):
        with contextlib.suppress(Exception):
            running.stop()
    _running.clear()


atexit.register(_stop_all)  # also after Ctrl+C: nothing of a run stays behind


class WorkerEngine:
    """This test process's private engine, started on first use, holding the base images.

    The base images come from a seed (hard-linked, see provision.private), so a new engine
    holds them at once instead of pulling hundreds of MB. With DOCSTEST_WORKER_ENGINE set (a
    DOCKER_HOST value), that engine is adopted instead: the plugin's own tests run many short
    pytest processes on one engine they own.
    """

    def __init__(self, adopt: str | None = None) -> None:
        self.engine: private.PrivateEngine | None = None
        if adopt:
            self.env = {**os.environ, "DOCKER_HOST": adopt}
        else:
            self.env = self._start()
        self.baseline = Inventory()
        self.ensure_base_images()

    def _start(self) -> dict[str, str]:
        registry.ensure_running()
        self.engine = private.start_private_engine(mirror=True, seed=_seed())
        _running.append(self.engine)
        return self.engine.env

    def pages_dir(self) -> Path | None:
        """Where this worker's pages keep their folders: inside its engine's run folder."""
        if self.engine is None:
            return None
        folder = self.engine.run_dir / "pages"
        folder.mkdir(exist_ok=True)
        return folder

    def engine_problem(self) -> str | None:
        """None while this worker's engine works; else why not (pid, status, log tail)."""
        if self.engine is None:
            return (
                None
                if engine.answers(self.env)
                else f"the adopted engine {self.env['DOCKER_HOST']} does not answer"
            )
        return None if self.engine.alive() else self.engine.death_note()

    def restart(self) -> str:
        """Replace a dead engine with a new one; returns what happened to the old one."""
        note = self.engine_problem() or "it stopped answering"
        self.stop()
        self.env = self._start()
        self.ensure_base_images()
        return note

    def ensure_base_images(self) -> None:
        for image in _default_images():
            if _image_present(self.env, image.ref):
                continue
            if not registry.has_image(image.repository, image.tag):
                raise ProvisionError(
                    f"the local registry does not serve {image.ref}; run `make images` first"
                )
            docker(self.env, "pull", "-q", image.ref, timeout=600)
        self.baseline = Inventory.take(self.env)

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()
            with contextlib.suppress(ValueError):
                _running.remove(self.engine)


def _image_present(env: dict[str, str], ref: str) -> bool:
    """Over the API socket where the engine is local (milliseconds), else with the CLI."""
    socket_path = _unix_socket(env)
    if socket_path is None:
        return images.image_exists(ref, env=env)
    try:
        _api_get(socket_path, f"/images/{ref}/json")
    except ProvisionError:
        return False
    return True


def _default_images() -> list[images.BaseImage]:
    return [image for image in images.BASE_IMAGES.values() if image.default]


def _seed() -> Path | None:
    """The seed holding the base images the local registry serves now (made on first use)."""
    digests = [registry.digest(image.repository, image.tag) for image in _default_images()]
    if not all(digests):
        return None  # the registry lacks one: ensure_base_images says so
    key = "-".join(digest.removeprefix("sha256:")[:16] for digest in digests)
    seed = private.seed_path(key)
    if seed.exists():
        return seed
    return private.make_seed(key, [image.ref for image in _default_images()])


_worker: WorkerEngine | None = None


def worker_engine() -> WorkerEngine:
    """This process's worker engine: started on first use, stopped when the process exits."""
    global _worker
    if _worker is None:
        _worker = WorkerEngine(adopt=os.environ.get("DOCSTEST_WORKER_ENGINE"))
    return _worker


def sweep_engines() -> None:
    """Remove the private engines of owners that are gone (killed runs), before this run starts."""
    if can_isolate():
        with contextlib.suppress(OSError, ProvisionError):
            private.sweep()


def can_isolate() -> bool:
    return engine.can_start_engines()
