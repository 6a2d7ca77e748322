"""The course for file:// (`make offline`): a zip learners unpack and open without a server.

`python -m hooks.offline SITE` builds the course a second time with Material's offline plugin
(COURSE_OFFLINE=true in mkdocs.yml: page URLs end in .html, the search index is inlined) and
writes it as SITE/offline/docker-course-offline.zip, beside the web build that links it from the
home page. As an MkDocs hook it adjusts that build: the iframe-worker shim comes from the site
itself (hooks/vendor_assets.py), not unpkg.com, and links to what only the web site has (the PDFs,
this zip) point at the published site.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from hooks.sitebuild import mkdocs_build
from hooks.vendor_assets import IFRAME_WORKER_SHIM

REPO = Path(__file__).resolve().parent.parent
ZIP_NAME = "docker-course-offline.zip"
ZIP_PATH = f"offline/{ZIP_NAME}"  # in the web site; docs/index.md links it
FOLDER = "docker-course"  # the one folder the zip unpacks to: open docker-course/index.html
ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed: the same pages give the same zip
LEFT_OUT = {"404.html"}  # a server's page: nothing opens it from file:// (its links are root-absolute)
# Files the web build gets after MkDocs (`make pdf`, `make offline`): not in the offline build
WEB_ONLY_LINK = re.compile(r'href="(?:\.\./)*((?:pdf|offline)/[^"]*)"')


def enabled(config: MkDocsConfig) -> bool:
    """True in the offline build: Material's offline plugin is switched on (COURSE_OFFLINE=true)."""
    plugin = config.plugins.get("material/offline")
    return plugin is not None and bool(plugin.config.enabled)


@event_priority(50)  # before Material's offline plugin, which adds the shim from unpkg.com if none is listed
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if enabled(config):
        polyfills = list(config.extra.get("polyfills") or [])
        config.extra["polyfills"] = [*polyfills, IFRAME_WORKER_SHIM]
    return config


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if not enabled(config):
        return html
    published = config.site_url or ""
    return WEB_ONLY_LINK.sub(lambda found: f'href="{published}{found.group(1)}"', html)


class OfflineBuildError(RuntimeError):
    """The offline build failed; the message carries the end of MkDocs' output."""


def build_offline(site: Path, *, config_dir: Path = REPO) -> None:
    """`mkdocs build --strict` with the offline plugin on, into `site`."""
    proc = mkdocs_build(site, config_dir=config_dir, offline=True)
    if proc.returncode != 0:
        raise OfflineBuildError(
            f"hooks/offline.py: `COURSE_OFFLINE=true mkdocs build --strict` failed; fix what MkDocs says:\n"
            f"{proc.stderr[-3000:]}"
        )


def write_zip(folder: Path, target: Path) -> int:
    """Zip `folder` under FOLDER/, entries sorted and dated ZIP_TIME; return the zip's size."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in LEFT_OUT):
            entry = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(folder).as_posix()}", ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), compresslevel=9)
    return target.stat().st_size


def make_offline_zip(site: Path, *, config_dir: Path = REPO) -> Path:
    """Build the offline course and write it to `site`/offline/; return the zip's path."""
    target = site / ZIP_PATH
    with tempfile.TemporaryDirectory(prefix="course-offline-") as scratch:
        built = Path(scratch) / FOLDER
        build_offline(built, config_dir=config_dir)
        write_zip(built, target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hooks.offline", description="Build the course for file:// as a zip in SITE/offline/."
    )
    parser.add_argument("site", type=Path, help="the web build's folder (site/), where the zip is linked")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site}: no index.html; build the web site first (`make build`)")
    try:
        target = make_offline_zip(args.site)
    except OfflineBuildError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"offline site: {target} ({target.stat().st_size / 1e6:.1f} MB); unzip it, open {FOLDER}/index.html"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
