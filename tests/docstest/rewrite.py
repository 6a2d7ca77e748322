"""Values a page shows that differ on a real run: published ports and captured IDs/names.

A page says `-p 3000:80` and `curl localhost:3000`; pages run side by side, so each gets
free host ports instead, in its commands, and sees its own numbers again in the output.
A page shows `Successfully built 4b5e3c2a1f0d` then `docker run 4b5e3c2a1f0d`; a capture
maps the page's value to the real one for later commands, and back in their output.
"""

from __future__ import annotations

import random
import re
import socket
from collections.abc import Iterable

PUBLISH = re.compile(r"(?P<pre>(?:-p|--publish)[ =](?:\d{1,3}(?:\.\d{1,3}){3}:)?)(?P<port>\d{2,5})(?=:\d)")
HOST_PORT = re.compile(r"(?P<pre>\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::\]|\[::1\]):)(?P<port>\d{2,5})\b")
ENV_PORT = re.compile(r"(?P<pre>\bPORT=)(?P<port>\d{2,5})\b")
PROBE_PORT = re.compile(r"(?P<pre>^tcp:)(?P<port>\d{2,5})$")  # a readiness probe: ready=tcp:3000


def host_ports(commands: Iterable[str]) -> list[int]:
    """Host ports a page publishes (`-p 3000:80`) or gives a local server (`PORT=3000`)."""
    found: list[int] = []
    for command in commands:
        for pattern in (PUBLISH, ENV_PORT):
            for match in pattern.finditer(command):
                port = int(match["port"])
                if port not in found:
                    found.append(port)
    return found


def free_port(like: int) -> int:
    """A free port with as many digits as `like`, so tables keep their column widths."""
    digits = len(str(like))
    low, high = max(1024, 10 ** (digits - 1)), 10**digits - 1
    for _ in range(200):
        port = random.randint(low, high) if low < high else 0
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise RuntimeError(f"no free port with {digits} digits")


class Rewriter:
    """Page values -> real values in commands, and back in outputs."""

    def __init__(self, ports: Iterable[int]) -> None:
        self.ports = {page: free_port(page) for page in ports}
        self.captured: dict[str, str] = {}

    def to_real(self, text: str) -> str:
        for page, real in sorted(self.captured.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(rf"(?<![\w-]){re.escape(page)}(?![\w-])", real, text)
        for pattern in (PUBLISH, HOST_PORT, ENV_PORT, PROBE_PORT):
            text = pattern.sub(self._port, text)
        return text

    def _port(self, match: re.Match[str]) -> str:
        port = int(match["port"])
        return f"{match['pre']}{self.ports.get(port, port)}"

    def to_page(self, text: str) -> str:
        for page, real in self.ports.items():
            text = re.sub(rf"\b{real}\b", str(page), text)
        for page, real in sorted(self.captured.items(), key=lambda kv: -len(kv[1])):
            text = re.sub(rf"(?<![\w-]){re.escape(real)}(?![\w-])", page, text)
        return text

    def capture(self, pattern: str, expected: str, actual: str) -> str | None:
        """Pair the regex's matches in the page's text with those in the real output.

        Returns why it could not, or None. A regex matching nothing in the page's text of
        this command is not for this command (a block may hold several).
        """
        page_values = [m.group(1) for m in re.finditer(pattern, expected, re.M)]
        if not page_values:
            return None
        real_values = [m.group(1) for m in re.finditer(pattern, actual, re.M)]
        if len(real_values) != len(page_values):
            return (
                f"capture {pattern!r} found {len(page_values)} value(s) in the page "
                f"but {len(real_values)} in the real output"
            )
        for page, real in zip(page_values, real_values, strict=True):
            self.captured[page] = real
            # a page may use a unique prefix of a long ID (docker accepts those)
            if len(page) > 12 and len(real) > 12:
                self.captured[page[:12]] = real[:12]
        return None
