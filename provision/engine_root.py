"""Today's Docker Engine on a machine whose own Debian ships an old one.

Debian 12 packages Docker 20.10 (end of life 2023) and no buildx, so its builds print the
legacy builder's `Step 1/6 : FROM node`, which no learner sees any more. Debian 13 packages
Docker Engine 26.1 with BuildKit. Rather than replace the host's packages, we debootstrap a
minimal Debian 13 root once (under STATE), install `docker.io docker-buildx iptables` in it,
and run its `dockerd` there (pivot_root), in a mount namespace of its own:

- the binds it needs (/proc, /sys, /dev, /run, the data folders) exist only in that
  namespace, so they vanish with the daemon, even when it is SIGKILLed;
- it shares the host's network namespace, so published ports, the bridge and the local
  registry on 127.0.0.1 behave as with an installed engine;
- sockets, pid files and data are the host's own paths (bound to the same paths inside), so
  the host's Docker CLI talks to it as to any engine.

The same debootstrap, taken before Docker is installed, is also the clean Debian 13 file
system that the stand-in base images are built on (`rootfs_tarball`): the official `node`
and `python` images are built on Debian 13 too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from .system import (
    REPO,
    STATE,
    ProvisionError,
    apt_install,
    debian_mirror,
    is_debian_like,
    is_root,
    phase,
    run,
    say,
)

SUITE = "trixie"  # Debian 13
ROOT = STATE / "roots" / SUITE
ROOTFS_TARBALL = STATE / "rootfs" / f"debian-{SUITE}-minbase.tar"
READY = ROOT / ".course-engine.json"  # written last: a root without it is unfinished
PACKAGES = ("docker.io", "docker-buildx", "iptables", "ca-certificates")
# Where the Docker CLI looks for plugins (besides ~/.docker/cli-plugins); /usr/local is ours.
CLI_PLUGINS = Path("/usr/local/libexec/docker/cli-plugins")
ROOT_BUILDX = Path("usr/libexec/docker/cli-plugins/docker-buildx")
# Host folders bound to the same path inside the root (created when missing): the data
# (a plain bind), and where people keep files (recursive binds), so `docker run -v DIR:/x`
# and other bind mounts name the same files as on the host.
DATA_FOLDERS = (STATE, Path("/var/lib/docker"))
USER_FOLDERS = ("/home", "/root", "/tmp", "/var/tmp", "/work", "/srv", "/opt", "/mnt", "/media")


def user_folders() -> list[Path]:
    """Where people keep files on this host, and the folder holding this checkout."""
    checkout_top = Path("/", *REPO.parts[1:2])
    found = {Path(folder) for folder in USER_FOLDERS} | {checkout_top}
    return sorted(folder for folder in found if folder.is_dir() and not folder.is_symlink())


# Runs inside `unshare --mount`: the binds below are private to the daemon's namespace.
LAUNCHER = r"""
set -e
root="$1"; shift
mount --bind "$root" "$root"   # a mount point, else `docker load` fails to remount /
mount -t proc proc "$root/proc"
for dir in sys dev run; do
  mount --rbind "/$dir" "$root/$dir"
  mount --make-rslave "$root/$dir"   # never propagate an unmount back to the host
done
while [ "$1" != "--" ]; do  # data folders
  mkdir -p "$1" "$root$1"
  mount --bind "$1" "$root$1"
  shift
done
shift
while [ "$1" != "--" ]; do  # user folders
  mkdir -p "$root$1"
  mount --rbind "$1" "$root$1"
  mount --make-rslave "$root$1"
  shift
done
shift
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# pivot_root, not a bare chroot: the namespace's root must be the Debian 13 root. Under a
# chroot, runc's containers fall back to chroot too, and `docker exec` (setns into the
# container's mount namespace) then lands on the namespace's root: the host's file system.
cd "$root"
mkdir -p .course-oldroot
pivot_root . .course-oldroot
exec chroot . /bin/sh -c 'umount -l /.course-oldroot && exec "$@"' course-dockerd "$@"
"""


def can_build() -> bool:
    """Whether this machine may build the root: root on Debian/Ubuntu (debootstrap via apt)."""
    return is_root() and is_debian_like()


def is_ready() -> bool:
    return READY.exists() and (ROOT / "usr/sbin/dockerd").exists()


def versions() -> dict[str, str]:
    """What the root provides (Docker Engine, containerd, buildx), as recorded when built."""
    return json.loads(READY.read_text()) if READY.exists() else {}


def ensure_root() -> Path:
    """Build the Debian 13 engine root once; later calls return at once."""
    if is_ready():
        return ROOT
    if not can_build():
        raise ProvisionError(
            "Running today's Docker Engine from a Debian 13 root needs root on Debian/Ubuntu. "
            "Install Docker yourself (https://docs.docker.com/engine/install/) and run again."
        )
    apt_install({"debootstrap": "debootstrap"})
    partial = ROOT.with_name(f"{SUITE}.partial")
    shutil.rmtree(partial, ignore_errors=True)  # an earlier, interrupted attempt
    partial.parent.mkdir(parents=True, exist_ok=True)
    mirror = debian_mirror()
    with phase(f"debootstrap --variant=minbase {SUITE} (Docker Engine root) from {mirror}"):
        run(["debootstrap", "--variant=minbase", SUITE, str(partial), mirror], timeout=900)
    _save_rootfs_tarball(partial)
    with phase(f"install {' '.join(PACKAGES)} in the {SUITE} root"):
        policy = partial / "usr/sbin/policy-rc.d"  # packages must not try to start services
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C"}
        run(["chroot", str(partial), "apt-get", "update", "-qq"], env=env, timeout=600)
        run(
            ["chroot", str(partial), "apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGES],
            env=env,
            timeout=900,
        )
        run(["chroot", str(partial), "apt-get", "clean"], env=env)
    found = {
        "suite": SUITE,
        "dockerd": _package_version(partial, "docker.io"),
        "containerd": _package_version(partial, "containerd"),
        "buildx": _package_version(partial, "docker-buildx"),
    }
    (partial / READY.name).write_text(json.dumps(found, indent=2) + "\n")
    shutil.rmtree(ROOT, ignore_errors=True)
    partial.rename(ROOT)
    say(f"engine root: Debian {SUITE} with docker.io {found['dockerd']}, buildx {found['buildx']}")
    return ROOT


def _package_version(root: Path, package: str) -> str:
    return run(
        ["chroot", str(root), "dpkg-query", "-W", "-f", "${Version}", package],
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    ).stdout.strip()


def _save_rootfs_tarball(root: Path) -> None:
    """Keep the untouched Debian 13 minbase: the stand-in images are built on it."""
    ROOTFS_TARBALL.parent.mkdir(parents=True, exist_ok=True)
    partial = ROOTFS_TARBALL.with_suffix(".partial")
    with phase(f"save the clean {SUITE} file system for base images"), partial.open("wb") as out:
        proc = subprocess.run(
            ["tar", "-C", str(root), "--numeric-owner", "--exclude=./proc/*", "--exclude=./sys/*", "-c", "."],
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=600,
        )
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ProvisionError(f"tar of the {SUITE} root failed: {proc.stderr.decode()[-500:]}")
    partial.rename(ROOTFS_TARBALL)


def rootfs_tarball() -> Path:
    """The clean Debian 13 minbase as a tar stream for `docker import` (built on first use)."""
    if not ROOTFS_TARBALL.exists():
        if is_ready():  # a root from before the tarball was kept: debootstrap again
            shutil.rmtree(ROOT, ignore_errors=True)
        ensure_root()
    return ROOTFS_TARBALL


def dockerd_command(args: list[str]) -> list[str]:
    """The command line that runs the root's `dockerd ARGS` in a mount namespace of its own."""
    root = ensure_root()
    data = [str(folder) for folder in DATA_FOLDERS]
    user = [str(folder) for folder in user_folders()]
    return [
        "unshare",
        "--mount",
        "--propagation",
        "slave",
        "--",
        "sh",
        "-c",
        LAUNCHER,
        "course-dockerd",
        str(root),
        *data,
        "--",
        *user,
        "--",
        "/usr/sbin/dockerd",
        *args,
    ]


def ensure_buildx_plugin() -> None:
    """Give the host's Docker CLI the buildx plugin (BuildKit), unless it has one already.

    Debian 13's docker-buildx binary links only libc, so it runs on the host as it is.
    """
    if _cli_has_buildx():
        return
    ensure_root()
    CLI_PLUGINS.mkdir(parents=True, exist_ok=True)
    target = CLI_PLUGINS / "docker-buildx"
    shutil.copy2(ROOT / ROOT_BUILDX, target)
    target.chmod(0o755)
    if not _cli_has_buildx():
        raise ProvisionError(f"the Docker CLI does not pick up {target}: check `docker buildx version`")
    say(f"buildx: {target} ({run(['docker', 'buildx', 'version']).stdout.strip()})")


def _cli_has_buildx() -> bool:
    proc = subprocess.run(["docker", "buildx", "version"], capture_output=True, text=True, env=_cli_env())
    return proc.returncode == 0


def _cli_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
