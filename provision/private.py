"""Private Docker engines for test workers: started fast, never outliving their owner.

A private engine is a second `dockerd` with its own data, socket and bridge. The
docs-as-tests plugin gives one to each test worker (so pages running side by side cannot
see each other's containers, images or names) and a fresh one to a page that must start
from an engine without images.

What makes them safe whatever kills a run:
- a slot (e0, e1, …) is owned by holding an exclusive `flock` on its lock file for the
  engine's life: the kernel releases it when the owner dies, however it dies, so a slot
  whose lock can be taken is free, and whatever is left in it is swept (`sweep`);
- the daemon gets SIGTERM when its owner dies (PR_SET_PDEATHSIG), and runs in a mount
  namespace of its own (engine_root), so its mounts go with it;
- the owner removes data, bridge and sockets when it stops the engine; a killed owner's
  leftovers are removed by the next run's sweep.

What makes them fast: base images are not pulled into each new engine. A seed (the image
metadata and overlay2 layers of an engine that pulled them once) is hard-linked into the new
engine's data root: image layers are never written to, so sharing their files is safe.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import itertools
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from . import registry
from .engine import answers, can_start_engines, dockerd_argv, iptables_command
from .system import STATE, ProvisionError, run, wait_until

PRIVATE_RUN = Path("/run/docker-course")  # sockets and pid files (short paths: unix sockets max 108 bytes)
PRIVATE_DATA = STATE / "engines"  # image layers of private engines, on disk
SEEDS = STATE / "seeds"  # image metadata + layers to hard-link into new engines
MAX_PRIVATE = 32
PR_SET_PDEATHSIG = 1


@dataclass
class PrivateEngine:
    """A running private `dockerd`; use `env` for every docker command aimed at it."""

    index: int
    process: subprocess.Popen[bytes]
    lock: IO[str] | None = field(default=None, repr=False)  # held while the engine is ours

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

    def alive(self) -> bool:
        return self.process.poll() is None and answers(self.env, timeout=5)

    def death_note(self) -> str:
        """Why this engine cannot be used: its pid, exit status and the last lines of its log."""
        status = self.process.poll()
        state = f"exited with status {status}" if status is not None else "does not answer"
        tail = "(no log)"
        with contextlib.suppress(OSError):
            tail = "\n    ".join(self.log.read_text(errors="replace").splitlines()[-8:]) or "(empty log)"
        who = f"this worker's Docker engine (pid {self.process.pid})"
        return f"{who} {state}; last lines of its log:\n    {tail}"

    def stop(self) -> None:
        """Stop the daemon and delete its data, bridge and sockets: nothing of it remains."""
        with contextlib.suppress(Exception):
            # Containers first, so dockerd's own shutdown does not wait on them.
            ids = run(["docker", "ps", "-aq"], env=self.env, timeout=20).stdout.split()
            if ids:
                run(["docker", "rm", "-f", *ids], env=self.env, check=False, timeout=60)
        _terminate(self.process.pid, self.process)
        _remove_engine_files(self.index)
        if self.lock is not None:
            self.lock.close()  # releases the slot
            self.lock = None


def _terminate(pid: int, process: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM, up to 20 s for a clean shutdown, then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return
        if process is None and not _pid_alive(pid):
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    if process is not None:
        process.wait()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is dead for our purposes
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _pidfile_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def _unmount_below(path: Path) -> None:
    """Lazily unmount whatever an engine of the host's own dockerd left mounted below `path`."""
    with contextlib.suppress(OSError):
        mounts = [line.split()[1] for line in Path("/proc/mounts").read_text().splitlines()]
        for mount in sorted((m for m in mounts if m.startswith(f"{path}/")), reverse=True):
            subprocess.run(["umount", "-l", mount], capture_output=True)


def _trash(folder: Path) -> None:
    """Move `folder` aside and delete it in the background (an image store takes seconds)."""
    if not folder.exists():
        return
    trash = PRIVATE_DATA / ".trash"
    trash.mkdir(parents=True, exist_ok=True)
    moved = trash / f"{folder.name}-{os.getpid()}-{time.monotonic_ns()}"
    folder.rename(moved)
    subprocess.Popen(
        ["rm", "-rf", str(moved)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _remove_engine_files(index: int) -> None:
    """Delete an engine's sockets, bridge and data; a daemon still running there is stopped."""
    run_dir, data_dir = PRIVATE_RUN / f"e{index}", PRIVATE_DATA / f"e{index}"
    pid = _pidfile_pid(run_dir / "docker.pid")
    if pid is not None and _pid_alive(pid):
        _terminate(pid)
    for path in (run_dir, data_dir):
        _unmount_below(path)
    shutil.rmtree(run_dir, ignore_errors=True)
    _trash(data_dir)
    subprocess.run(["ip", "link", "delete", f"dcbr{index}"], capture_output=True)
    remove_bridge_rules(f"dcbr{index}")


def _add_bridge_rules(bridge: str, subnet: str) -> None:
    """NAT and forwarding for one private bridge, as the daemon would add them for itself."""
    iptables = iptables_command(build=True)
    if not iptables:
        return
    Path("/proc/sys/net/ipv4/ip_forward").write_text("1\n")
    for rule in (
        ["-t", "nat", "-A", "POSTROUTING", "-s", subnet, "!", "-o", bridge, "-j", "MASQUERADE"],
        ["-t", "filter", "-I", "FORWARD", "-o", bridge, "-j", "ACCEPT"],
        ["-t", "filter", "-I", "FORWARD", "-i", bridge, "-j", "ACCEPT"],
    ):
        run([*iptables, *rule])


def remove_bridge_rules(bridge: str) -> None:
    """Delete the iptables rules a daemon made for `bridge` (it leaves them when it stops)."""
    iptables = iptables_command()
    if not iptables:
        return
    for table in ("filter", "nat"):
        listed = subprocess.run([*iptables, "-t", table, "-S"], capture_output=True, text=True)
        for rule in listed.stdout.splitlines():
            words = shlex.split(rule)
            mentions = any(a in ("-i", "-o") and b == bridge for a, b in itertools.pairwise(words))
            if words[:1] == ["-A"] and mentions:
                subprocess.run([*iptables, "-t", table, "-D", *words[1:]], capture_output=True)


def _try_lock(index: int) -> IO[str] | None:
    """Take slot `index`'s lock if nobody holds it; the returned file holds it until closed."""
    PRIVATE_RUN.mkdir(parents=True, exist_ok=True)
    handle = (PRIVATE_RUN / f"e{index}.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def sweep() -> list[int]:
    """Remove what dead owners left: every slot nobody holds that still has files, a bridge
    or a daemon. Returns the slots swept. Safe to run while other runs use their slots."""
    swept = []
    iptables = iptables_command()
    rules = (
        subprocess.run([*iptables, "-S"], capture_output=True, text=True).stdout.replace("\n", " \n")
        if iptables
        else ""
    )
    for index in range(MAX_PRIVATE):
        leftovers = (
            (PRIVATE_RUN / f"e{index}").exists()
            or (PRIVATE_DATA / f"e{index}").exists()
            or subprocess.run(["ip", "link", "show", f"dcbr{index}"], capture_output=True).returncode == 0
            or f"dcbr{index} " in rules
        )
        if not leftovers:
            continue
        lock = _try_lock(index)
        if lock is None:
            continue  # in use
        try:
            _remove_engine_files(index)
            swept.append(index)
        finally:
            lock.close()
    return swept


def _claim_slot() -> tuple[int, IO[str]]:
    for index in range(MAX_PRIVATE):
        lock = _try_lock(index)
        if lock is not None:
            _remove_engine_files(index)  # whatever a dead owner left there
            return index, lock
    raise ProvisionError(f"All {MAX_PRIVATE} private engine slots under {PRIVATE_RUN} are in use.")


def _die_with_owner() -> None:
    """In the daemon's process before exec: SIGTERM when the process that started it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() == 1:  # the owner died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


# The engine's supervisor: a shell that starts dockerd, forwards SIGTERM to it (its owner's
# death sends one, PR_SET_PDEATHSIG) and, once dockerd has exited, removes the engine's bridge,
# sockets and data itself, so nothing stays behind even when every process of the test run
# was SIGKILLed. It holds the slot's lock (inherited fd) until it is done.
SUPERVISOR = r"""
trap 'kill -TERM "$child" 2>/dev/null' TERM INT HUP
"$@" &
child=$!
while kill -0 "$child" 2>/dev/null; do wait "$child"; done
ip link delete "$BRIDGE" 2>/dev/null
if [ -n "$IPTABLES" ]; then  # the daemon leaves its rules for the bridge behind
  for table in filter nat; do
    $IPTABLES -t "$table" -S 2>/dev/null | grep -E -- "-[io] $BRIDGE( |\$)" | sed 's/^-A /-D /' |
      while read -r rule; do eval "$IPTABLES -t $table $rule" 2>/dev/null; done
  done
fi
rm -rf "$RUN_DIR"
if [ -n "$DATA_DIR" ] && [ -d "$DATA_DIR" ]; then
  mkdir -p "$TRASH" && trash="$TRASH/${DATA_DIR##*/}-supervisor-$$" && mv "$DATA_DIR" "$trash" \
    && { rm -rf "$trash" & }
fi
"""


def start_private_engine(
    *, mirror: bool = True, seed: Path | None = None, keep_data: bool = False
) -> PrivateEngine:
    """Start a private dockerd with its own bridge; it pulls Docker Hub images via the mirror.

    With `seed`, the engine starts holding the seed's images (hard-linked, no pull). With
    `keep_data`, its supervisor leaves the data root when the daemon ends (to make a seed)."""
    if not can_start_engines():
        raise ProvisionError("Private engines need root on a machine with dockerd.")
    index, lock = _claim_slot()
    try:
        # Starting daemons create shared iptables chains (DOCKER, ...) without locking: two at
        # once fail with "Chain already exists". One start at a time, across processes.
        with (PRIVATE_RUN / "start.lock").open("w") as start_lock:
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            engine = _start(index, mirror, seed, lock, keep_data)
    except BaseException:
        _remove_engine_files(index)
        lock.close()
        raise
    engine.lock = lock
    return engine


def _start(index: int, mirror: bool, seed: Path | None, lock: IO[str], keep_data: bool) -> PrivateEngine:
    run_dir, data_dir, bridge = PRIVATE_RUN / f"e{index}", PRIVATE_DATA / f"e{index}", f"dcbr{index}"
    run_dir.mkdir(parents=True)
    data_dir.mkdir(parents=True)
    if seed is not None:
        _plant_seed(seed, data_dir)
    (run_dir / "daemon.json").write_text(json.dumps({}))  # never read the main engine's config
    run(["ip", "link", "add", "name", bridge, "type", "bridge"])
    run(["ip", "addr", "add", f"172.30.{index}.1/24", "dev", bridge])
    run(["ip", "link", "set", bridge, "up"])
    _add_bridge_rules(bridge, f"172.30.{index}.0/24")
    args = [
        f"--data-root={data_dir}",
        f"--exec-root={run_dir}/x",
        f"--pidfile={run_dir}/docker.pid",
        f"--host=unix://{run_dir}/docker.sock",
        f"--config-file={run_dir}/daemon.json",
        f"--bridge={bridge}",
        # The daemon leaves iptables alone (starting one flushes the shared DOCKER chains, so
        # other engines' published ports vanish); our own per-bridge rules give its containers
        # the outside world, and published ports listen on the loopback only (docker-proxy).
        "--iptables=false",
        "--ip=127.0.0.1",
    ]
    if mirror:
        args.append(f"--registry-mirror={registry.MIRROR_URL}")
    log = run_dir / "dockerd.log"
    cleanup = {
        "IPTABLES": " ".join(iptables_command()),
        "BRIDGE": bridge,
        "RUN_DIR": str(run_dir),
        "DATA_DIR": "" if keep_data else str(data_dir),
        "TRASH": str(PRIVATE_DATA / ".trash"),
    }
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            ["sh", "-c", SUPERVISOR, "course-engine-supervisor", *dockerd_argv(args)],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_owner,
            pass_fds=(lock.fileno(),),
            env={**os.environ, **cleanup},
        )
    engine = PrivateEngine(index, process)
    socket_path = run_dir / "docker.sock"
    try:
        wait_until(
            lambda: process.poll() is None and _pings(socket_path),
            timeout=60,
            what=f"private dockerd #{index}",
            log=log,
            interval=0.05,
        )
    except BaseException:  # also Ctrl+C: the supervisor stops the daemon and tidies up
        _terminate(process.pid, process)
        raise
    return engine


def _pings(socket_path: Path) -> bool:
    """The engine's API answers `GET /_ping` (cheaper than a `docker version` per poll)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(socket_path))
            sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n")
            return b" 200 " in sock.recv(64)
    except OSError:
        return False


# -- seeds: base images without a pull ----------------------------------------------------

SEED_PARTS = ("image", "overlay2")  # the classic image store: metadata and layers


def seed_path(key: str) -> Path:
    return SEEDS / key


def _plant_seed(seed: Path, data_dir: Path) -> None:
    """Layers hard-linked (never written to: containers write to their own upper layer),
    image metadata copied (rewritten in place by the daemon). A spare set of links made
    beforehand is taken if there is one (a rename), and another is made in the background."""
    if not _take_spare(seed, data_dir / "overlay2"):
        run(["cp", "-al", str(seed / "overlay2"), str(data_dir / "overlay2")], timeout=120)
    shutil.copytree(seed / "image", data_dir / "image", symlinks=True)
    _make_spare(seed)


MAX_SPARES = 2


def _spares(seed: Path) -> list[Path]:
    return sorted(SEEDS.glob(f".spare-{seed.name}-*[!l]"))  # not the .partial ones


def _take_spare(seed: Path, target: Path) -> bool:
    for spare in _spares(seed):
        try:
            spare.rename(target)  # atomic: of two engines taking the same spare, one wins
        except OSError:
            continue
        return True
    return False


def _make_spare(seed: Path) -> None:
    """Hard-link the seed's layers into a spare in the background, for the next engine."""
    if len(_spares(seed)) >= MAX_SPARES:
        return
    name = SEEDS / f".spare-{seed.name}-{os.getpid()}-{time.monotonic_ns()}"
    partial = f"{name}.partial"
    subprocess.Popen(
        ["sh", "-c", 'cp -al "$1" "$2" && mv "$2" "$3"', "spare", str(seed / "overlay2"), partial, str(name)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def make_seed(key: str, images: list[str]) -> Path:
    """Pull `images` into a throwaway engine and keep its image store as the seed `key`.

    One process makes a seed at a time (flock); others wait and then use it."""
    SEEDS.mkdir(parents=True, exist_ok=True)
    target = seed_path(key)
    with (SEEDS / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return target
        engine = start_private_engine(mirror=True, keep_data=True)
        try:
            for image in images:
                run(["docker", "pull", "-q", image], env=engine.env, timeout=900)
            _terminate(engine.process.pid, engine.process)  # a consistent store: daemon stopped
            partial = SEEDS / f".{key}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            partial.mkdir()
            for part in SEED_PARTS:
                (engine.data_dir / part).rename(partial / part)
            for old in SEEDS.iterdir():  # seeds (and spares) of older base images
                if old.name != partial.name:
                    shutil.rmtree(old, ignore_errors=True)
            partial.rename(target)
        finally:
            engine.stop()
    return target
