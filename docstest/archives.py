"""Zip archives a page starts from (`unpack:`) or must leave its folder equal to (`leaves:`).

A learner's folder carries over from one lecture to the next. A page that continues from an
earlier one starts from the download that page unpacked (fetched from the same URL a
learner uses, here the locally served site), and the earlier page proves with `leaves:`
that it really left the folder in that state.
"""

from __future__ import annotations

import io
import stat
import urllib.request
import zipfile
from pathlib import Path

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # local URLs


def fetch(url: str) -> bytes:
    with _NO_PROXY.open(url, timeout=30) as response:
        data: bytes = response.read()
        return data


def unpack(data: bytes, dest: Path) -> None:
    """Extract like `unzip`: files and folders under `dest`, executable bits kept."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            target = (dest / info.filename).resolve()
            if dest.resolve() not in target.parents:
                raise ValueError(f"archive entry {info.filename!r} would land outside {dest}")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(info))
            mode = info.external_attr >> 16
            if mode & stat.S_IXUSR:
                target.chmod(0o755)


def differences(data: bytes, dest: Path) -> list[str]:
    """How the folders of the archive under `dest` differ from it (empty: equal)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        expected = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    tops = {name.split("/", 1)[0] for name in expected}
    found: dict[str, bytes] = {}
    for top in tops:
        root = dest / top
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file() or path.is_symlink():
                    found[path.relative_to(dest).as_posix()] = path.read_bytes() if path.is_file() else b""
    problems = [f"missing: {name}" for name in sorted(expected.keys() - found.keys())]
    problems += [f"not in the download: {name}" for name in sorted(found.keys() - expected.keys())]
    problems += [
        f"changed: {name}" for name in sorted(expected.keys() & found.keys()) if expected[name] != found[name]
    ]
    return problems


def snapshot(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file and folder under `root` with its mode, size and modification time."""
    found: dict[str, tuple[int, int, int]] = {}
    for path in root.rglob("*"):
        info = path.lstat()
        found[path.relative_to(root).as_posix()] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return found


def changes(before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]) -> list[str]:
    """What happened between two snapshots, as `created: x` / `deleted: x` / `changed: x`."""
    return (
        [f"created: {name}" for name in sorted(after.keys() - before.keys())]
        + [f"deleted: {name}" for name in sorted(before.keys() - after.keys())]
        + [f"changed: {name}" for name in sorted(before.keys() & after.keys()) if before[name] != after[name]]
    )
