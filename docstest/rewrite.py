"""Values a page shows that differ on a real run: host ports and captured IDs/names.

A page says `PORT=3000 node server.js` and `curl localhost:3000` (or, in its dialect,
`docker run -p 3000:80`); pages run side by side, so each gets free host ports instead, in
its commands, and sees its own numbers again in the output. Only the host's side moves: a
`localhost:3000` the dialect places somewhere else (`docker exec web curl localhost:3000`, in
the container) stays, and in output only a number in a port's place (`:3000`, `3000->`,
`PORT=3000`, `port 3000`) is mapped back, never "added 3000 packages".
A page shows `Successfully built 4b5e3c2a1f0d` then `docker run 4b5e3c2a1f0d`; a capture
maps the page's value to the real one for later commands, and back in their output.
"""

from __future__ import annotations

import functools
import random
import re
import socket
from collections.abc import Callable, Iterable

from .dialect import PLAIN, Dialect, Span

HOST_PORT = re.compile(r"(?P<pre>\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::\]|\[::1\]):)(?P<port>\d{2,5})\b")
ENV_PORT = re.compile(r"(?P<pre>(?<![\w-])PORT=)(?P<port>\d{2,5})\b")
PROBE_PORT = re.compile(r"(?P<pre>^tcp:)(?P<port>\d{2,5})$")  # a readiness probe: ready=tcp:3000

LOWEST, HIGHEST = 1024, 65535  # below 1024: privileged, and often a system service's


def host_ports(commands: Iterable[str], *, dialect: Dialect = PLAIN) -> list[int]:
    """Host ports a page publishes (the dialect's `-p 3000:80`) or gives a local server (`PORT=3000`)."""
    found: list[int] = []
    for command in commands:
        spans = dialect.foreign_spans(command)
        for pattern in dialect.publish_patterns:
            found += [int(match["port"]) for match in pattern.finditer(command)]
        for match in ENV_PORT.finditer(command):
            if not _inside(spans, match.start()):
                found.append(int(match["port"]))
    return list(dict.fromkeys(port for port in found if 0 < port <= HIGHEST))


def port_range(like: int) -> tuple[int, int]:
    """Ports with as many digits as `like` (tables keep their widths), within 1024-65535.

    A page port of 1 to 3 digits (`-p 80:80`) cannot keep its width: it gets 4 digits.
    """
    digits = len(str(like))
    if digits <= 4:
        return LOWEST, 9999
    return 10 ** (digits - 1), min(10**digits - 1, HIGHEST)


def free_port(like: int, avoid: Iterable[int] = ()) -> int:
    """A free port in `port_range(like)`, none of `avoid` (the page's own port numbers)."""
    low, high = port_range(like)
    avoided = set(avoid)
    for _ in range(200):
        port = random.randint(low, high)
        if port in avoided:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {low} and {high} after 200 tries")


def _inside(spans: list[Span], offset: int) -> bool:
    return any(start <= offset < end for start, end in spans)


class Rewriter:
    """Page values -> real values in commands, and back in outputs."""

    def __init__(self, ports: Iterable[int], *, dialect: Dialect = PLAIN) -> None:
        self.dialect = dialect
        page_ports = list(ports)
        self.ports: dict[int, int] = {}
        for page in page_ports:
            self.ports[page] = free_port(page, avoid=[*page_ports, *self.ports.values()])
        self.captured: dict[str, str] = {}

    def reassign(self, real: int) -> int | None:
        """Another free port for the page port now mapped to `real` (someone took it); its page port."""
        for page, mapped in self.ports.items():
            if mapped == real:
                self.ports[page] = free_port(page, avoid=[*self.ports, *self.ports.values()])
                return page
        return None

    def to_real(self, text: str) -> str:
        for shown, value in sorted(self.captured.items(), key=lambda kv: -len(kv[0])):
            text = re.sub(rf"(?<![\w-]){re.escape(shown)}(?![\w-])", _literally(value), text)
        for publish in self.dialect.publish_patterns:
            text = publish.sub(self._port, text)
        for pattern in (HOST_PORT, ENV_PORT, PROBE_PORT):
            spans = self.dialect.foreign_spans(text)  # of the text as it is now: offsets move
            text = pattern.sub(functools.partial(self._host_port, spans=spans), text)
        return text

    def _port(self, match: re.Match[str]) -> str:
        port = int(match["port"])
        return f"{match['pre']}{self.ports.get(port, port)}"

    def _host_port(self, match: re.Match[str], spans: list[Span]) -> str:
        if _inside(spans, match.start()):
            return match.group(0)  # not the host's: e.g. the container's own port or variable
        return self._port(match)

    def to_page(self, text: str) -> str:
        for page_port, real_port in self.ports.items():
            text = _port_in_output(real_port).sub(str(page_port), text)
        for shown, value in sorted(self.captured.items(), key=lambda kv: -len(kv[1])):
            text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", _literally(shown), text)
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


def _literally(value: str) -> Callable[[re.Match[str]], str]:
    """A replacement used as it is: a captured `C:\\new` or `\\1` is no regex template."""
    return lambda _: value


def _port_in_output(port: int) -> re.Pattern[str]:
    """`port` where output shows a port: after `:` (addresses, URLs), before `->` (docker ps),
    after `PORT=` or the word `port` (`listening on port 3000`); not inside other numbers."""
    number = rf"{port}(?![\w])"
    return re.compile(rf"(?:(?<=:)|(?<=PORT=)|(?<=[Pp]ort )|(?<=[Pp]ort: )){number}|(?<![\w.:]){port}(?=->)")
