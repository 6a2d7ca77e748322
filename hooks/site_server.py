"""A static file server for the built site, with gzip: the PDF step, the browser and Lighthouse
tests, and the site's container (`python -m hooks.site_server site --host 0.0.0.0 --port 80`).

Python's `http.server` alone sends every page uncompressed (lecture 22 weighed 3.4 MB instead of
0.9 MB) and lists folders; this one compresses text when the client accepts gzip, answers a miss
with the site's own 404.html (status 404), never lists a folder and never leaves the folder.
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import gzip
import http.server
import io
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

# Set explicitly: the host's /etc/mime.types differs between machines and images.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
    ".gz": "application/gzip",
}
DEFAULT_TYPE = "application/octet-stream"
COMPRESSIBLE = ("text/", "application/json", "application/manifest+json", "application/xml", "image/svg+xml")
MIN_GZIP_BYTES = 256  # below this the gzip header costs more than it saves


def content_type(path: Path) -> str:
    return CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_TYPE)


def compressible(kind: str) -> bool:
    return kind.startswith(COMPRESSIBLE)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True when the Accept-Encoding header lists gzip (or *) without `q=0`."""
    for part in (accept_encoding or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower().removeprefix("q=")
            try:
                return not params.strip() or float(quality) > 0
            except ValueError:
                return True
    return False


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes:
    """Compressed once per file version (mtime and size are part of the cache key)."""
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """GET and HEAD of a built MkDocs site; `directory` is set by functools.partial."""

    quiet = False

    def log_message(self, format: str, *args: object) -> None:
        if not self.quiet:
            super().log_message(format, *args)

    def _root(self) -> Path:
        return Path(self.directory).resolve()

    def _resolve(self) -> Path | None:
        """The file a request names inside the folder, or None (missing, or outside the folder)."""
        # translate_path drops `..` and drive parts; resolve() also catches symlinks leading out
        target = Path(self.translate_path(self.path)).resolve()
        root = self._root()
        if not target.is_relative_to(root):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def send_head(self) -> io.BytesIO | None:
        route = self.path.split("?", 1)[0].split("#", 1)[0]
        target = self._resolve()
        if target is None:
            self.send_error(404)
            return None
        if target.name == "index.html" and not route.endswith(("/", "index.html")):
            self.send_response(301)  # a folder without its slash: relative links need it
            self.send_header("Location", route + "/" + self.path[len(route) :])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._send_file(target, 200)

    def _send_file(self, target: Path, status: int) -> io.BytesIO:
        stat = target.stat()
        kind = content_type(target)
        vary = compressible(kind)
        if vary and stat.st_size >= MIN_GZIP_BYTES and accepts_gzip(self.headers.get("Accept-Encoding")):
            body = _gzipped(target, stat.st_mtime_ns, stat.st_size)
            encoding: str | None = "gzip"
        else:
            body = target.read_bytes()
            encoding = None
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if vary:
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = self._root() / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = self._send_file(page, 404)
        if self.command != "HEAD":
            self.wfile.write(body.read())

    def list_directory(self, path: str | os.PathLike[str]) -> io.BytesIO | None:
        self.send_error(404)  # never list a folder (send_head does not call this; a safety net)
        return None


class QuietSiteHandler(SiteHandler):
    quiet = True  # in tests and the PDF step a line per file is noise


def make_server(
    folder: str | Path, host: str, port: int, *, quiet: bool, site: bool = True
) -> http.server.ThreadingHTTPServer:
    """`site=False` serves a folder that is not a built site (the pages' downloads under test)."""
    root = Path(folder)
    if site and not (root / "index.html").is_file():
        raise FileNotFoundError(f"{root}: no index.html; build the site first (`make build`)")
    handler = functools.partial(QuietSiteHandler if quiet else SiteHandler, directory=str(root))
    return http.server.ThreadingHTTPServer((host, port), handler)


@contextmanager
def serve_gzip(folder: str, port: int = 0, *, site: bool = True) -> Iterator[str]:
    """Serve `folder` on a loopback port (a free one unless given) in a background thread;
    yield its base URL."""
    server = make_server(folder, "127.0.0.1", port, quiet=True, site=site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hooks.site_server", description="Serve a built site with gzip and its 404 page."
    )
    parser.add_argument("folder", help="the built site (e.g. site/)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        server = make_server(args.folder, args.host, args.port, quiet=False)
    except (FileNotFoundError, OSError) as error:
        parser.error(str(error))
    # As a container's PID 1 the default SIGTERM action is ignored: `docker stop` would wait 10 s.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    print(f"serving {args.folder} on http://{args.host}:{server.server_port}/ (gzip on)", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
