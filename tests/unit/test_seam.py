"""The seam between the CLI-agnostic core and the Docker dialect (docstest/dialect.py).

The core's modules never import docstest.docker, which uses only the core's public names;
and the plain dialect, which the core runs with when no plugin gives one, has no special
behaviour: no command takes the terminal, output is compared as it is, every `localhost:3000`
and `PORT=3000` is the host's, and a page's environment is its folder alone.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from docstest import match
from docstest.dialect import PLAIN, Dialect, Scope
from docstest.docker.dialect import DOCKER
from docstest.parse import parse_source
from docstest.rewrite import Rewriter, host_ports

PACKAGE = Path(__file__).resolve().parents[2] / "docstest"
CORE = sorted(PACKAGE.glob("*.py"))  # every module beside docstest/docker/
DOCKER_PARTS = sorted((PACKAGE / "docker").glob("*.py"))
BUILT_IN_REGISTRATION = PACKAGE / "plugin.py"  # names docstest.docker.plugin, as an entry point would


@functools.cache
def syntax(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imported_modules(path: Path) -> list[tuple[str, list[str], int]]:
    """(absolute module, names imported from it, line) of every import in a docstest module."""
    package = "docstest" if path.parent == PACKAGE else "docstest.docker"
    found = []
    for node in ast.walk(syntax(path)):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names = [alias.name for alias in node.names]
            found.append((module, names, node.lineno))
            found += [(f"{module}.{name}", [], node.lineno) for name in names]  # `from . import docker`
    return found


def code_strings(path: Path) -> list[str]:
    """The string literals of a module's code (docstrings aside, which may name anything)."""
    tree = syntax(path)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def is_docker(module: str) -> bool:
    return module == "docstest.docker" or module.startswith("docstest.docker.")


def test_the_seam_covers_the_modules_it_is_about() -> None:
    names = {path.stem for path in CORE}
    assert {"parse", "match", "wildcards", "rewrite", "shell", "runner", "plugin", "dialect"} <= names
    assert {"dialect", "commands", "scope", "normalise", "plugin"} <= {path.stem for path in DOCKER_PARTS}


@pytest.mark.parametrize("path", CORE, ids=lambda path: path.name)
def test_no_core_module_imports_the_docker_dialect(path: Path) -> None:
    imports = [
        f"{path.name}:{line}: {module}" for module, _, line in imported_modules(path) if is_docker(module)
    ]
    assert not imports, "the core may not depend on docstest.docker:\n" + "\n".join(imports)
    named = [text for text in code_strings(path) if "docstest.docker" in text]  # importlib's way in
    assert named == (["docstest.docker.plugin"] if path == BUILT_IN_REGISTRATION else []), named


@pytest.mark.parametrize("path", DOCKER_PARTS, ids=lambda path: f"docker/{path.name}")
def test_the_docker_dialect_uses_only_the_cores_public_names(path: Path) -> None:
    problems = []
    for module, names, line in imported_modules(path):
        if not module.startswith("docstest.") or is_docker(module) or module.count(".") > 1:
            continue
        public = _declared_all(syntax(PACKAGE / f"{module.split('.')[1]}.py"))
        for name in names:
            if name.startswith("_") or (public is not None and name not in public):
                problems.append(f"docker/{path.name}:{line}: {name} is not public in {module}")
    assert not problems, "\n".join(problems)
    private_use = re.findall(
        r"\b(?:match|parse|runner|rewrite|shell|plugin|dialect)\._[a-z]\w*", path.read_text()
    )
    assert not private_use, private_use


def _declared_all(tree: ast.Module) -> set[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets
        ):
            value = ast.literal_eval(node.value)
            return set(value)
    return None


# -- the plain dialect ----------------------------------------------------------------------


def test_the_plain_dialect_is_the_base_class_with_nothing_overridden() -> None:
    assert type(PLAIN) is Dialect
    assert PLAIN.redactions == () and PLAIN.publish_patterns == () and PLAIN.normalised == ""
    assert PLAIN.passed_env == frozenset()
    assert not PLAIN.interactive("docker run -it node") and not PLAIN.terminal("docker build .")
    assert PLAIN.chosen_names(["docker run --name web nginx"]) == set()
    assert PLAIN.foreign_spans("docker exec web curl localhost:3000") == []
    assert PLAIN.canonical_order("b\na") == "b\na"
    assert PLAIN.table(["CONTAINER ID   NAMES", "4b5e3c2a1f0d   web"], str, frozenset()) is None
    assert PLAIN.command_weight("docker build .") == 0.2


def test_a_plain_scope_has_nothing_to_set_up_or_remove() -> None:
    page = parse_source("```console\n$ docker ps\n```\n", Path("page.md"))
    scope = PLAIN.scope(page, warn=pytest.fail)
    assert type(scope) is Scope
    assert dict(scope.env) == {} and scope.folder is None and scope.problem() is None
    scope.attempt()()  # nothing to undo
    assert scope.finish() == []
    assert PLAIN.scope_weight(page) == 0.0


def test_only_a_blocks_directive_makes_a_plain_command_interactive() -> None:
    text = "```console\n$ docker run -it node\n> 1 + 1\n2\n```\n\n<!-- docstest: interactive -->\n" * 1
    text += "```console\n$ python3 -q\n> 6 * 7\n42\n```\n"
    plain = parse_source(text, Path("page.md"))
    assert [c.interactive for b in plain.blocks for c in b.commands] == [False, True]
    docker = parse_source(text, Path("page.md"), DOCKER)
    assert [c.interactive for b in docker.blocks for c in b.commands] == [True, True]
    terminal = parse_source("```console\n$ docker build .\n```\n", Path("page.md"))
    assert not terminal.blocks[0].commands[0].terminal


@pytest.mark.parametrize(
    ("expected", "actual", "plain", "docker"),
    [
        ("Built 4b5e3c2a1f0d", "Built 9a8b7c6d5e4f", False, True),  # IDs are Docker's
        ("3 seconds ago, 557MB", "2 hours ago, 1.2GB", False, True),  # so are times and sizes
        ("took [..] ms\n...\nend", "took 12 ms\nmore\nend", True, True),  # wildcards are the core's
        (r"v\d+ (re)", "v22", True, True),
        (
            "CONTAINER ID   NAMES\n4b5e3c2a1f0d   a_b",
            "CONTAINER ID     NAMES\n4b5e3c2a1f0d     a_b",
            False,
            True,
        ),
    ],
)
def test_plain_output_is_compared_as_it_is(expected: str, actual: str, plain: bool, docker: bool) -> None:
    assert match.compare(expected, actual).ok is plain
    assert match.compare(expected, actual, dialect=DOCKER).ok is docker


def test_a_blocks_own_redactions_work_in_the_plain_dialect() -> None:
    assert match.compare("commit 1a2b3c4", "commit 9f8e7d6", [r"[0-9a-f]{7}"]).ok
    assert match.normalise("a  \n\n") == ["a"]


def test_every_plain_port_is_the_hosts() -> None:
    plain, docker = Rewriter([]), Rewriter([], dialect=DOCKER)
    plain.ports[3000] = docker.ports[3000] = 4821
    command = "docker exec web curl localhost:3000 && docker run -e PORT=3000 -p 3000:80 app"
    assert (
        plain.to_real(command)
        == "docker exec web curl localhost:4821 && docker run -e PORT=4821 -p 3000:80 app"
    )
    assert (
        docker.to_real(command)
        == "docker exec web curl localhost:3000 && docker run -e PORT=3000 -p 4821:80 app"
    )
    assert host_ports(["docker run -p 8080:80 app", "PORT=5000 node x"]) == [5000]
    assert host_ports(["docker run -p 8080:80 app", "PORT=5000 node x"], dialect=DOCKER) == [8080, 5000]


@pytest.mark.parametrize(
    ("line", "plain", "docker"),
    [
        ("Error: listen EADDRINUSE: address already in use :::3000", True, True),
        ("OSError: [Errno 98] Address already in use", True, True),
        ("Bind for 0.0.0.0:3000 failed: port is already allocated", False, True),
        ("added 3000 packages", False, False),
    ],
)
def test_a_taken_port_is_recognised_in_the_dialects_words(line: str, plain: bool, docker: bool) -> None:
    assert PLAIN.port_taken(line) is plain
    assert DOCKER.port_taken(line) is docker


@pytest.mark.parametrize(
    ("command", "waits"),
    [
        ("docker stop goalsapp", True),
        ("docker container stop -t 1 a b", True),
        ("docker kill $(docker ps -q)", True),
        ("time docker stop web", True),
        ("docker ps -a", False),
        ("docker run -d --rm --name web goals", False),
        ("docker exec web docker stop other", False),  # the container's own command
        ("echo docker stop", False),
    ],
)
def test_docker_waits_after_a_stop_for_rm_containers_to_be_removed(command: str, waits: bool) -> None:
    """`docker stop` returns before the engine has removed a `--rm` container; a learner's
    next command comes later, so the dialect waits unseen. The plain dialect waits for nothing."""
    script = DOCKER.settle(command)
    assert (script is not None) == waits
    if script is not None:
        assert "AutoRemove" in script and script.startswith("(") and script.endswith(")")
    assert PLAIN.settle(command) is None


@pytest.mark.parametrize(
    ("command", "waits"),
    [
        ("docker run node", True),
        ("docker run -it node", True),
        ("docker container run -p 3000:80 --name goalsapp goals", True),
        ("time docker run node", True),
        ("docker run node ls -d /", True),  # the container's own `-d`
        ("docker run -d node", False),
        ("docker run -dp 3000:80 goals", False),
        ("docker run --detach node", False),
        ("docker run --rm node -e 'console.log(1)'", False),  # the CLI waits for the removal
        ("docker exec web ls", False),
        ("echo docker run node", False),
    ],
)
def test_docker_waits_after_a_foreground_run_until_its_container_is_marked_exited(
    command: str, waits: bool
) -> None:
    """A foreground `docker run` returns with the container's status a moment before the engine
    lists it as exited (a fresh clone's run saw `docker ps -a` say "Up" right after it)."""
    script = DOCKER.settle(command)
    assert (script is not None) == waits
    if script is not None:
        assert "State.Running" in script and "docker ps -lq" in script
