"""hooks/site_server.py, the site's own static server (tests, PDF step, container): gzip only
when the client accepts it, the site's 404 page with status 404, right content types, no folder
listings, nothing outside the folder. A small folder stands in for the built site: well under 1 s."""

from __future__ import annotations

import gzip
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hooks.site_server import accepts_gzip, serve_gzip

PAGE = "<!doctype html><title>Lecture</title>" + "<p>Docker images and containers.</p>" * 50
NOT_FOUND = "<!doctype html><title>404</title><p>Page not found</p>" + " " * 300


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    site = root / "site"
    (site / "lectures" / "22-dockerfile").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "index.html").write_text(PAGE)
    (site / "404.html").write_text(NOT_FOUND)
    (site / "lectures" / "22-dockerfile" / "index.html").write_text(PAGE)
    (site / "assets" / "app.js").write_text("console.log('course');\n" * 40)
    (site / "assets" / "index.json").write_text('{"docs": []}' + " " * 300)
    (site / "assets" / "diagram.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>" + " " * 300)
    (site / "assets" / "font.woff2").write_bytes(b"wOF2" + bytes(300))
    (site / "empty-folder").mkdir()
    (root / "secret.txt").write_text("outside the site")
    return site


@pytest.fixture(scope="module")
def base(folder: Path) -> Iterator[str]:
    with serve_gzip(str(folder)) as url:
        yield url


def fetch(base: str, path: str, *, gzip_ok: bool) -> tuple[http.client.HTTPResponse, bytes]:
    """A raw request: no client-side normalising of `..`, no decompression."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
    headers = {"Accept-Encoding": "gzip, deflate, br" if gzip_ok else "identity"}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_the_base_url_is_a_loopback_address_with_a_port(base: str) -> None:
    assert base.startswith("http://127.0.0.1:") and base.endswith("/")
    assert int(urlsplit(base).port or 0) > 0


def test_pages_are_gzipped_when_the_client_accepts_it(base: str) -> None:
    response, body = fetch(base, "/lectures/22-dockerfile/", gzip_ok=True)
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert int(response.getheader("Content-Length") or -1) == len(body) < len(PAGE)
    assert gzip.decompress(body).decode() == PAGE


def test_pages_are_plain_when_the_client_does_not_accept_gzip(base: str) -> None:
    response, body = fetch(base, "/lectures/22-dockerfile/", gzip_ok=False)
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") == "Accept-Encoding"  # caches must keep both variants apart
    assert body.decode() == PAGE


@pytest.mark.parametrize(
    ("path", "kind", "gzipped"),
    [
        ("/assets/app.js", "text/javascript; charset=utf-8", True),
        ("/assets/index.json", "application/json", True),
        ("/assets/diagram.svg", "image/svg+xml", True),
        ("/assets/font.woff2", "font/woff2", False),  # already compressed
    ],
)
def test_content_types_and_which_are_compressed(base: str, path: str, kind: str, gzipped: bool) -> None:
    response, _ = fetch(base, path, gzip_ok=True)
    assert response.status == 200
    assert response.getheader("Content-Type") == kind
    assert (response.getheader("Content-Encoding") == "gzip") is gzipped


def test_a_miss_gets_the_sites_404_page_with_status_404(base: str) -> None:
    response, body = fetch(base, "/lectures/99-missing/", gzip_ok=False)
    assert response.status == 404
    assert body.decode() == NOT_FOUND
    response, body = fetch(base, "/nothing.html", gzip_ok=True)
    assert response.status == 404 and response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body).decode() == NOT_FOUND


def test_a_folder_is_never_listed(base: str) -> None:
    response, body = fetch(base, "/empty-folder/", gzip_ok=False)
    assert response.status == 404 and body.decode() == NOT_FOUND


def test_a_folder_without_its_slash_is_redirected(base: str) -> None:
    response, _ = fetch(base, "/lectures/22-dockerfile?x=1", gzip_ok=False)
    assert response.status == 301
    assert response.getheader("Location") == "/lectures/22-dockerfile/?x=1"


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/lectures/../../secret.txt", "/..%2fsecret.txt"]
)
def test_nothing_outside_the_folder_is_served(base: str, path: str) -> None:
    response, body = fetch(base, path, gzip_ok=False)
    assert response.status == 404
    assert b"outside the site" not in body


def test_a_symlink_leading_out_of_the_folder_is_refused(folder: Path, base: str) -> None:
    link = folder / "escape.txt"
    link.symlink_to(folder.parent / "secret.txt")
    try:
        response, body = fetch(base, "/escape.txt", gzip_ok=False)
    finally:
        link.unlink()
    assert response.status == 404 and b"outside the site" not in body


def test_head_sends_headers_only(base: str) -> None:
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=10)
    connection.request("HEAD", "/", headers={"Accept-Encoding": "gzip"})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip"
    assert response.read() == b""
    connection.close()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        (None, False),
    ],
)
def test_accept_encoding_is_read_as_http_says(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected
