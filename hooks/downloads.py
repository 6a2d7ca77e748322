"""MkDocs hook: the course's folders as zip downloads, built from the real files at build time.

Learners get `downloads/goals-app.zip` (entries `goals-app/...`), one `downloads/<name>.zip`
per `examples/<name>/` (entries `examples/<name>/...`) and `downloads/examples.zip` with all
of them, so unzipping them side by side gives the layout of a `git clone` of the repository.

The files are those `git ls-files` lists (contents from the work tree, file modes from the
index). In a tree that is not a git checkout (a source tarball, a test's scratch copy) the
folder is walked instead, skipping node_modules, .git and __pycache__ and whatever the
.gitignore files of the tree say; .dockerignore is not used, as it only shapes the Docker
build context (it drops README.md and test/, which learners want).

The zips are deterministic (sorted entries, fixed timestamps, fixed compression), so two
builds give byte-identical files. `course_zips()` is plain Python that knows nothing of
MkDocs; the hook only adds its result to the site as generated files, which `mkdocs serve`
serves too. The macro `download_link()` (hooks/macros.py) links to them.
"""

from __future__ import annotations

import io
import logging
import os
import re
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.downloads")

FOLDERS = ("goals-app", "examples")  # what learners download, relative to the repository root
# Examples for maintainers (the author's guide builds examples/authoring): not in learners' zips.
MAINTAINERS_ONLY = ("examples/authoring",)
SITE_FOLDER = "downloads"  # where the zips land in the site
ALWAYS_SKIPPED = {"node_modules", ".git", "__pycache__"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: builds are reproducible


@dataclass(frozen=True)
class Entry:
    path: str  # POSIX path relative to the root, e.g. "goals-app/server.js"
    mode: int  # full st_mode: S_IFREG | 0o644 / 0o755, or S_IFLNK | 0o777


class DownloadError(RuntimeError):
    """The downloads cannot be built; the message says why."""


# ---------------------------------------------------------------------------
# Which files: git ls-files, or a walk that honours .gitignore
# ---------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60)
    except (FileNotFoundError, subprocess.TimeoutExpired):  # no git on this machine
        return None


def _git_entries(root: Path, folders: tuple[str, ...]) -> list[Entry] | None:
    """Tracked files under `folders`, or None when `root` holds no git checkout of them."""
    proc = _git(root, "ls-files", "--stage", "-z", "--", *folders)
    if proc is None or proc.returncode != 0 or not proc.stdout:
        # not a git checkout, no git, or an untracked copy inside some other repository
        return None
    entries: dict[str, Entry] = {}
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        path = name.decode("utf-8", errors="surrogateescape")
        git_mode = int(meta.split()[0], 8)
        if git_mode == 0o160000:
            raise DownloadError(f"{path} is a git submodule; downloads cannot hold submodules.")
        if not (root / path).exists() and not (root / path).is_symlink():
            continue  # deleted in the work tree: the zip mirrors the work tree
        # 0o100644 and 0o100755 are st_mode values already; a symlink is 0o120000 in git
        entries[path] = Entry(path, stat.S_IFLNK | 0o777 if stat.S_ISLNK(git_mode) else git_mode)
    return sorted(entries.values(), key=lambda e: e.path)


def _gitignore_rules(directory: Path, base: str) -> list[tuple[re.Pattern[str], bool, bool]]:
    """(regex over the path relative to `base`'s root, negated, directories only) per pattern."""
    ignore = directory / ".gitignore"
    if not ignore.is_file():
        return []
    rules = []
    for raw in ignore.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line  # git: a slash at the start or in the middle anchors the pattern
        line = line.lstrip("/")
        body = _glob_to_regex(line)
        prefix = re.escape(base + "/") if base else ""
        regex = prefix + body if anchored else prefix + r"(?:.*/)?" + body
        rules.append((re.compile(regex + r"\Z"), negated, dir_only))
    return rules


def _glob_to_regex(glob: str) -> str:
    out, i = [], 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append(r"(?:.*/)?")
            i += 3
        elif glob.startswith("/**", i) and i + 3 == len(glob):
            out.append(r"/.*")
            i += 3
        elif glob[i] == "*":
            out.append(r"[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append(r"[^/]")
            i += 1
        elif glob[i] == "[" and "]" in glob[i + 1 :]:
            end = glob.index("]", i + 1)
            out.append("[" + glob[i + 1 : end].replace("!", "^", 1) + "]")
            i = end + 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return "".join(out)


def _ignored(path: str, is_dir: bool, rules: list[tuple[re.Pattern[str], bool, bool]]) -> bool:
    ignored = False
    for regex, negated, dir_only in rules:  # outer .gitignore files first: the last match wins
        if (is_dir or not dir_only) and regex.match(path):
            ignored = not negated
    return ignored


def _walked_entries(root: Path, folders: tuple[str, ...]) -> list[Entry]:
    entries = []
    for folder in folders:
        start = root / folder
        if not start.is_dir():
            continue
        rules = _gitignore_rules(root, "")
        parents = PurePosixPath(folder).parents  # .gitignore files between root and folder
        for parent in reversed([p.as_posix() for p in parents if p.as_posix() != "."]):
            rules += _gitignore_rules(root / parent, parent)
        stack = [(start, rules)]
        while stack:
            directory, inherited = stack.pop()
            relative_dir = directory.relative_to(root).as_posix()
            here = inherited + _gitignore_rules(directory, relative_dir)
            for child in sorted(directory.iterdir()):
                relative = f"{relative_dir}/{child.name}"
                is_dir = child.is_dir() and not child.is_symlink()
                if child.name in ALWAYS_SKIPPED or _ignored(relative, is_dir, here):
                    continue
                if is_dir:
                    stack.append((child, here))
                elif child.is_symlink():
                    entries.append(Entry(relative, stat.S_IFLNK | 0o777))
                elif child.is_file():
                    executable = child.stat().st_mode & 0o111
                    entries.append(Entry(relative, stat.S_IFREG | (0o755 if executable else 0o644)))
    return sorted(entries, key=lambda e: e.path)


def course_files(root: Path, folders: tuple[str, ...] = FOLDERS) -> tuple[list[Entry], str]:
    """The files under `folders` that a clone of the repository has, and how they were found."""
    root = root.resolve()
    tracked = _git_entries(root, folders)
    if tracked is not None:
        return tracked, "git ls-files"
    return _walked_entries(root, folders), "a walk of the folders (not a git checkout)"


# ---------------------------------------------------------------------------
# The zips
# ---------------------------------------------------------------------------


def make_zip(root: Path, entries: list[Entry]) -> bytes:
    """A reproducible zip of `entries` (paths as given, modes kept, fixed timestamps)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in sorted(entries, key=lambda e: e.path):
            source = root / entry.path
            info = zipfile.ZipInfo(entry.path, date_time=ZIP_TIME)
            info.create_system = 3  # Unix: unzip applies external_attr's mode bits
            info.external_attr = entry.mode << 16
            if stat.S_ISLNK(entry.mode):  # stored as a link, as Info-ZIP's unzip expects
                data = os.readlink(source).encode("utf-8", errors="surrogateescape")
                archive.writestr(info, data, compress_type=zipfile.ZIP_STORED)
            else:
                archive.writestr(info, source.read_bytes(), zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def course_zips(root: Path) -> dict[str, bytes]:
    """{"goals-app": zip, "<example>": zip per examples/<example>/, "examples": zip of all}."""
    entries, how = course_files(root)
    log.debug("downloads: %d files found by %s", len(entries), how)
    groups: dict[str, list[Entry]] = {"goals-app": [], "examples": []}
    for entry in entries:
        if any(entry.path.startswith(f"{folder}/") for folder in MAINTAINERS_ONLY):
            continue
        top, *rest = PurePosixPath(entry.path).parts
        groups[top].append(entry)
        if top == "examples" and len(rest) > 1:  # examples/<name>/...; a file right in examples/
            groups.setdefault(f"examples/{rest[0]}", []).append(entry)  # is only in examples.zip
    zips = {}
    for key, members in groups.items():
        name = key.removeprefix("examples/") if key.startswith("examples/") else key
        if key.startswith("examples/") and name in {"goals-app", "examples"}:
            raise DownloadError(f"examples/{name}/ would overwrite downloads/{name}.zip; rename it.")
        if not members:
            raise DownloadError(f"{key}/ has no files to download (is it tracked by git?).")
        zips[name] = make_zip(root, members)
    return dict(sorted(zips.items()))


# ---------------------------------------------------------------------------
# MkDocs
# ---------------------------------------------------------------------------


def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).resolve().parent
    try:
        zips = course_zips(root)
    except DownloadError as error:
        raise PluginError(f"hooks/downloads.py: {error}") from error
    for name, data in zips.items():
        dest = f"{SITE_FOLDER}/{name}.zip"
        if files.get_file_from_path(dest) is not None:
            raise PluginError(f"hooks/downloads.py: docs/{dest} exists; the build makes that file.")
        files.append(File.generated(config, dest, content=data))
    return files
