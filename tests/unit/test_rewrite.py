"""Page ports and captured values: what is rewritten, where, and into which numbers (with the
Docker dialect, as the course's pages are run)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docstest.docker.commands import chosen_names, container_spans
from docstest.docker.dialect import DOCKER
from docstest.rewrite import HIGHEST, LOWEST, Rewriter, free_port, host_ports, port_range


def rewriter(real: int, page: int = 3000) -> Rewriter:
    rewriter = Rewriter([], dialect=DOCKER)
    rewriter.ports[page] = real
    return rewriter


@pytest.mark.parametrize(
    ("command", "real"),
    [
        ("docker run -p 3000:80 web", "docker run -p 4821:80 web"),
        ("docker run --publish=127.0.0.1:3000:80 web", "docker run --publish=127.0.0.1:4821:80 web"),
        ("PORT=3000 node server.js", "PORT=4821 node server.js"),
        ("curl -s localhost:3000/ && curl 127.0.0.1:3000", "curl -s localhost:4821/ && curl 127.0.0.1:4821"),
        # the container's side stays: its variable, its own port, its command
        ("docker run -e PORT=3000 -p 3000:3000 app", "docker run -e PORT=3000 -p 4821:3000 app"),
        ("docker run --env=PORT=3000 -p 3000:3000 app", "docker run --env=PORT=3000 -p 4821:3000 app"),
        ("docker exec web curl -s localhost:3000", "docker exec web curl -s localhost:3000"),
        (
            "docker exec -it web sh -c 'PORT=3000 x'; curl localhost:3000",
            "docker exec -it web sh -c 'PORT=3000 x'; curl localhost:4821",
        ),
        ("docker run --rm curl localhost:3000 | grep ok", "docker run --rm curl localhost:3000 | grep ok"),
        ("echo 3000 PORTS=3000 :3000x", "echo 3000 PORTS=3000 :3000x"),  # not a port's place
    ],
)
def test_page_ports_become_real_ones_on_the_hosts_side_only(command: str, real: str) -> None:
    assert rewriter(4821).to_real(command) == real


@pytest.mark.parametrize(
    ("output", "page"),
    [
        ("0.0.0.0:4821->80/tcp, [::]:4821->80/tcp", "0.0.0.0:3000->80/tcp, [::]:3000->80/tcp"),
        ("Goals app listening on port 4821", "Goals app listening on port 3000"),
        ("open http://localhost:4821/", "open http://localhost:3000/"),
        ("PORT=4821", "PORT=3000"),
        ("added 4821 packages in 2s", "added 4821 packages in 2s"),  # a count, not a port
        ("pid 14821, 48210 bytes, 4821.5 s", "pid 14821, 48210 bytes, 4821.5 s"),
    ],
)
def test_real_ports_are_mapped_back_only_where_output_shows_a_port(output: str, page: str) -> None:
    assert rewriter(4821).to_page(output) == page


def test_host_ports_are_what_the_host_publishes_or_gives_a_server() -> None:
    commands = [
        "docker run -e PORT=3000 -p 8080:3000 app",
        "PORT=5000 node x",
        "docker exec -e PORT=6000 web x",
    ]
    assert host_ports(commands, dialect=DOCKER) == [8080, 5000]


def test_captured_values_are_substituted_literally() -> None:
    capture = Rewriter([])
    assert capture.capture(r"^path: (\S+)$", "path: C:\\old", "path: C:\\new\\1") is None
    assert capture.to_real("cat C:\\old") == "cat C:\\new\\1"
    assert capture.to_page("cat C:\\new\\1") == "cat C:\\old"


def test_a_long_id_capture_maps_its_prefix_too() -> None:
    capture = Rewriter([])
    page, real = "4b5e3c2a1f0d" + "0" * 52, "9a8b7c6d5e4f" + "1" * 52
    capture.capture(r"^(\w{64})$", page, real)
    assert capture.to_real("docker run 4b5e3c2a1f0d") == "docker run 9a8b7c6d5e4f"


@pytest.mark.parametrize(
    ("like", "low", "high"),
    [
        (80, LOWEST, 9999),
        (443, LOWEST, 9999),
        (3000, LOWEST, 9999),
        (30000, 10000, HIGHEST),
        (65535, 10000, HIGHEST),
    ],
)
def test_port_ranges(like: int, low: int, high: int) -> None:
    assert port_range(like) == (low, high)


@given(st.integers(1, HIGHEST))
def test_free_ports_keep_the_width_when_they_can_and_stay_in_range(like: int) -> None:
    port = free_port(like)
    assert LOWEST <= port <= HIGHEST
    if like >= 1000:
        assert len(str(port)) == len(str(like))


@pytest.mark.parametrize(
    ("command", "inside"),
    [
        ("docker exec web curl localhost:3000 && curl x", ["curl localhost:3000"]),
        ("docker run -d -p 3000:80 --name web node -e 'x(1)'", ["-e 'x(1)'"]),
        ("docker run -it node", []),
        ('FOO=1 docker run -dp 3000:80 img sh -c "a; b"; echo c', ['sh -c "a; b"']),
        ("docker container exec -u node web \\\n  id -u", ["id -u"]),
        ("echo docker run x y", []),
    ],
)
def test_the_part_of_a_command_that_runs_in_a_container(command: str, inside: list[str]) -> None:
    assert [command[start:end] for start, end in container_spans(command)] == inside


def test_names_a_page_chooses() -> None:
    assert chosen_names(
        ["docker run --name web_server x", "docker run --name=db y", "docker rename a b_c"]
    ) == {
        "web_server",
        "db",
        "b_c",
    }
