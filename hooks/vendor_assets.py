"""MkDocs hook: serve third-party browser assets from the site itself, and fetch pinned npm files.

A CDN fails offline and is a third-party request. `npm_file()` fetches a pinned file once with
`npm pack` (the npm registry is reachable where the site is built), checks its SHA-256 and keeps
it in .cache/vendor/; the hook adds each of ASSETS to the build at its path in the site.
Mermaid is fetched this way too, but only for the build (hooks/diagramrender.py draws the
diagrams to SVG); no page loads it.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.vendor_assets")

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "vendor"

# (npm package, version, file in the package, SHA-256 of that file, path in the site)
IFRAME_WORKER_SHIM = "assets/vendor/iframe-worker-shim.js"
ASSETS: list[tuple[str, str, str, str, str]] = [
    (
        "iframe-worker",  # lets Material's search worker run from file:// (hooks/offline.py)
        "1.0.4",
        "package/shim/index.js",
        "e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609",
        IFRAME_WORKER_SHIM,
    ),
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fetch(package: str, version: str, member: str, target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise PluginError(
            f"hooks/vendor_assets.py: {target.name} is not cached and npm is not installed. "
            f"Install Node.js/npm once (it fetches {package}@{version}), or copy the file to {target}."
        )
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [npm, "pack", f"{package}@{version}", "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            raise PluginError(
                f"hooks/vendor_assets.py: `npm pack {package}@{version}` failed:\n"
                f"{proc.stderr.strip()[-600:]}"
            )
        tarball = Path(tmp) / proc.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            source = archive.extractfile(member)
            if source is None:
                raise PluginError(f"hooks/vendor_assets.py: {member} missing in {tarball.name}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())


def npm_file(package: str, version: str, member: str, digest: str) -> Path:
    """`member` of the npm package, fetched once into .cache/vendor/ and checked by SHA-256."""
    cached = CACHE / f"{package}-{version}-{Path(member).name}"
    if not cached.exists():
        log.info("fetching %s@%s (once; cached in %s)", package, version, CACHE)
        _fetch(package, version, member, cached)
    if _sha256(cached) != digest:
        cached.unlink()
        raise PluginError(
            f"hooks/vendor_assets.py: {package}@{version} {member} has an unexpected SHA-256 "
            f"(expected {digest}); the cached copy was deleted, build again to refetch."
        )
    return cached


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for package, version, member, digest, dest in ASSETS:
        cached = npm_file(package, version, member, digest)
        files.append(File.generated(config, dest, abs_src_path=str(cached)))
    return files
