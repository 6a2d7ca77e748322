"""The docstest plugin's own tests: pytest runs pages (fixtures in tests/fixtures/docstest/).

Each feature is shown passing on a small page, and each failure mode failing with the
message a page author needs: `page.md:line`, what was expected, what happened, what to do.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docstest.docker import scope as docker_scope
from tests.helpers import nested_pytest_env, run_pytest, start_pytest_from_a_terminal

pytest_plugins = ["pytester"]

FIXTURES = Path(__file__).parent / "fixtures" / "docstest"
REPO = Path(__file__).resolve().parent.parent
INI = "[pytest]\naddopts = -p no:cacheprovider\ndocstest_roots = .\n"


@pytest.fixture(scope="session")
def shared_engine() -> docker_scope.WorkerEngine | None:
    """One private engine for all the pytest runs below (each would otherwise start its own)."""
    if not docker_scope.can_isolate():
        return None
    return docker_scope.worker_engine()


@pytest.fixture
def site(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    shared_engine: docker_scope.WorkerEngine | None,
) -> pytest.Pytester:
    """A folder with the fixture pages, configured to treat its .md files as tests.

    Runs are pytest runs in this process (`run`); the ones a process boundary matters for
    (Ctrl+C from a terminal, xdist's workers) start real processes, which adopt this
    process's engine (DOCSTEST_WORKER_ENGINE).
    """
    pytester.makeini(INI)
    shutil.copytree(FIXTURES, pytester.path, dirs_exist_ok=True)
    if shared_engine is not None:
        monkeypatch.setenv("DOCSTEST_WORKER_ENGINE", shared_engine.env["DOCKER_HOST"])
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    monkeypatch.setenv("PYTEST_ADDOPTS", nested_pytest_env(own_engine=False)["PYTEST_ADDOPTS"])
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """A whole pytest run on the fixture pages, in this process: a config and session of its own,
    as pytest's own tests run most of theirs. The plugin keeps what a run sets in that config's
    stash, so nothing carries over to the next run; a real process would cost 1.1 s of CPU
    starting up (about 45 CPU-s for this module)."""
    return pytester.runpytest_inprocess(*args)


def page(pytester: pytest.Pytester, text: str, name: str = "page.md") -> Path:
    path = pytester.path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def assert_no_plugin_frames(output: str) -> None:
    for sign in ("Traceback", "INTERNALERROR", "docstest/", 'File "'):
        assert sign not in output, output


# -- collection ------------------------------------------------------------------------


def test_blocks_in_tabs_admonitions_details_and_attribute_fences_are_collected(site: pytest.Pytester) -> None:
    result = run(site, "--collect-only", "-q", "containers.md")
    ids = [line for line in result.outlines if line.startswith("containers.md::")]
    assert ids == [
        "containers.md::language-parity",
        "containers.md::line-9",
        "containers.md::line-21",
        "containers.md::line-28",
        "containers.md::line-35",
        "containers.md::line-39",
    ]


def test_malformed_directive_is_a_collection_error_naming_file_and_line(site: pytest.Pytester) -> None:
    page(
        site,
        """
        # Typo

        <!-- docstest: timout=5 -->
        ```console
        $ true
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*page.md:3: unknown docstest directive 'timout'*", "*known directives:*"])
    assert_no_plugin_frames(result.stdout.str())


def test_directive_without_a_code_block_is_an_error(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest: timeout=5 -->

        Just a paragraph.
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*page.md:1: docstest directive not followed by a code block*"])


def test_output_before_any_command_is_an_error(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        hello
        $ echo hello
        ```
        """,
    )
    result = run(site, "page.md")
    result.stdout.fnmatch_lines(["*page.md:2: output before the first command of a console block*"])


# -- running ---------------------------------------------------------------------------


def test_one_shell_per_page_in_a_temporary_copy(site: pytest.Pytester) -> None:
    original = (site.path / "app" / "data.txt").read_text()
    result = run(site, "containers.md", "-v")
    result.assert_outcomes(passed=6)
    assert (site.path / "app" / "data.txt").read_text() == original  # the checkout is never changed


def test_wildcards_regex_lines_redactions_and_exit_status(site: pytest.Pytester) -> None:
    run(site, "matching.md").assert_outcomes(passed=3)


def test_selecting_one_block_runs_the_blocks_before_it(site: pytest.Pytester) -> None:
    result = run(site, "containers.md", "-k", "line-21")
    result.assert_outcomes(passed=1, deselected=5)


def test_wrong_output_reports_page_line_command_and_diff(site: pytest.Pytester) -> None:
    page(
        site,
        """
        # Wrong output

        ```console
        $ printf 'one\\ntwo\\n'
        one
        three
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "page.md:4: output differs from the page",
            "    $ printf 'one\\ntwo\\n'",
            "*expected (-) vs actual (+)*",
            "*-three",
            "*+two",
            "*hint: accept the real output: pytest --update-docs page.md",
        ]
    )
    assert_no_plugin_frames(result.stdout.str())


def test_wrong_exit_status_is_reported_with_output(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        $ ls /no/such/place
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "page.md:2: exit status 2, expected 0",
            "*No such file or directory*",
            "*<!-- docstest: status=2 -->*",
        ]
    )


def test_a_command_past_its_timeout_is_interrupted_and_reported(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest: timeout=1 -->
        ```console
        $ echo started; sleep 30
        started
        ```

        ```console
        $ echo never run
        never run
        ```
        """,
    )
    started = time.monotonic()
    result = run(site, "page.md")
    assert time.monotonic() - started < 15
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "page.md:3: timed out after 1 s (interrupted with Ctrl+C)",
            "*started*",
            "page.md:7: not run, because the block at page.md:2 failed before it*",
        ]
    )


def test_expect_timeout_passes_for_a_command_that_never_finishes(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest: expect=timeout timeout=2 -->
        ```console
        $ echo waiting forever; sleep 600
        waiting forever
        ```

        <!-- docstest: expect=timeout timeout=5 -->
        ```console
        $ echo done at once
        done at once
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["page.md:9: expected to still be running after 5 s, but it exited with status 0"]
    )


def test_background_server_with_http_probe_port_mapping_and_log(site: pytest.Pytester) -> None:
    page(
        site,
        f"""
        <!-- docstest: background ready=http://localhost:8765/ -->
        ```console
        $ {sys.executable} -u -m http.server 8765 --bind 127.0.0.1
        Serving HTTP on 127.0.0.1 port 8765 (http://127.0.0.1:8765/) ...
        ```

        ```console
        $ curl -s -o /dev/null -w '%{{http_code}}\\n' localhost:8765/
        200
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(passed=2)


SERVE_ON_PORT_ENV = (
    "import os, socket; port = int(os.environ['PORT']); "
    "s = socket.create_server(('127.0.0.1', port)); print('up on port', port); s.accept()"
)


def test_tcp_probe_follows_the_page_port_to_the_real_one(site: pytest.Pytester) -> None:
    page(
        site,
        f"""
        <!-- docstest: background ready=tcp:3000 ready-timeout=20 -->
        ```console
        $ PORT=3000 {sys.executable} -u -c "{SERVE_ON_PORT_ENV}"
        up on port 3000
        ```
        """,
    )
    run(site, "page.md").assert_outcomes(passed=1)


def test_probe_that_never_gets_ready_fails_with_the_log_tail(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest: background ready=tcp:8766 ready-timeout=2 -->
        ```console
        $ echo "listening soon"; sleep 60
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "page.md:3: background command never became ready (tcp:8766): not ready after 2 s",
            "*its log (last lines):*",
            "*listening soon*",
        ]
    )


def test_captured_value_replaces_the_page_value_in_later_commands(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest: capture='^id: ([0-9a-f]{12})$' -->
        ```console
        $ id=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \\n'); echo "id: $id"
        id: 4b5e3c2a1f0d
        ```

        ```console
        $ test "4b5e3c2a1f0d" = "$id" && echo "4b5e3c2a1f0d is the real id"
        4b5e3c2a1f0d is the real id
        ```
        """,
    )
    run(site, "page.md").assert_outcomes(passed=2)


def test_recorded_value_is_handed_to_the_project(site: pytest.Pytester) -> None:
    """`record=` gives the project the real value (a figure a page states), not the page's."""
    site.makeconftest(
        """
        import json, pathlib

        def pytest_docstest_record(name, value, page, line, config):
            pathlib.Path("recorded.json").write_text(json.dumps([name, value, page, line]))
        """
    )
    page(
        site,
        """
        <!-- docstest: record='took=^took (\\S+)$' redact='\\d+ms' -->
        ```console
        $ echo "took $(( 40 + 2 ))ms"
        took 1ms
        ```
        """,
    )
    run(site, "page.md").assert_outcomes(passed=1)
    assert json.loads((site.path / "recorded.json").read_text()) == ["took", "42ms", "page.md", 3]


def test_record_that_finds_nothing_fails_at_its_line(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest: record='took=^took (\\S+)$' -->
        ```console
        $ echo done
        done
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["page.md:3: record took: '^took (\\S+)$' found nothing in the output*"])


def test_language_tabs_that_disagree_about_a_command_fail(site: pytest.Pytester) -> None:
    page(
        site,
        """
        === "한국어"

            ```console
            $ echo 안녕
            안녕
            ```

        === "English"

            ```console
            $ echo hello
            hello
            ```
        """,
    )
    result = run(site, "page.md", "-k", "parity")
    result.assert_outcomes(failed=1, deselected=1)  # the English copy of a command is not run twice
    assert (
        "page.md:8: the 'English' tab shows ['$ echo hello\\nhello'], but the '한국어' tab (line 1) "
        "shows ['$ echo 안녕\\n안녕']" in result.stdout.str()
    )


def test_language_tabs_must_agree_on_expected_output_too(site: pytest.Pytester) -> None:
    """Only the first language's copy runs, so a stale copy in another tab would never be checked."""
    page(
        site,
        """
        === "한국어"

            ```console
            $ echo hello
            hello
            ```

        === "English"

            ```console
            $ echo hello
            this output is never checked
            ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["page.md:8: the 'English' tab shows*this output is never checked*"])


def test_python_blocks_run_through_pytest_examples(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```py
        print(6 * 7)
        #> 42
        ```

        ```py
        print(6 * 7)
        #> 41
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*page.md:6*"])


def test_update_mode_rewrites_failing_output_and_is_idempotent(site: pytest.Pytester) -> None:
    path = page(
        site,
        """
        === "한국어"

            ```console
            $ printf 'header\\nbody 1\\nbody 2\\nfooter v2\\n'
            header
            ...
            footer v1
            ```
        """,
    )
    run(site, "page.md").assert_outcomes(failed=1, passed=1)
    run(site, "page.md", "--update-docs").assert_outcomes(passed=2)
    once = path.read_text()
    assert "    header\n    ...\n    footer v2\n" in once  # the wildcard stays, indentation kept
    run(site, "page.md", "--update-docs").assert_outcomes(passed=2)
    assert path.read_text() == once
    run(site, "page.md").assert_outcomes(passed=2)


def test_no_engine_fails_under_ci_and_skips_elsewhere(
    site: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    page(
        site,
        """
        ```console
        $ docker ps
        ```
        """,
    )
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    monkeypatch.setenv("CI", "true")
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*CI=true but no Docker engine answers*"])
    monkeypatch.setenv("CI", "false")
    result = run(site, "page.md", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*no Docker engine answers (run `make images`*"])


def test_page_commands_see_only_an_allow_listed_environment(
    site: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A secret in the runner's environment (a CI token) never reaches a page's commands."""
    monkeypatch.setenv("DOCSTEST_TEST_SECRET_TOKEN", "s3cr3t-d0cst3st")
    monkeypatch.setenv("TZ", "Asia/Seoul")  # allow-listed: passed on as it is
    monkeypatch.setenv("LC_TIME", "C.UTF-8")  # LC_* too
    page(
        site,
        """
        ```console
        $ echo "token=${DOCSTEST_TEST_SECRET_TOKEN:-unset} tz=$TZ lc_time=$LC_TIME"
        token=unset tz=Asia/Seoul lc_time=C.UTF-8
        $ env | grep -c s3cr3t-d0cst3st || true
        0
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(passed=1)
    assert "s3cr3t-d0cst3st" not in result.stdout.str()


def test_interactive_local_program_echoes_what_is_typed(site: pytest.Pytester) -> None:
    page(
        site,
        f"""
        <!-- docstest: interactive prompt='>>> ' timeout=30 -->
        ```console
        $ {sys.executable} -q
        >>> 6 * 7
        42
        >>> ^D
        ```
        """,
    )
    run(site, "page.md").assert_outcomes(passed=1)


def test_plain_dash_n_keeps_each_page_on_one_worker(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        $ echo one >> "$DOCSTEST_REPO/runs.log"
        ```

        ```console
        $ echo two >> "$DOCSTEST_REPO/runs.log"
        ```

        ```console
        $ echo three >> "$DOCSTEST_REPO/runs.log"
        ```
        """,
    )
    env = nested_pytest_env(own_engine=False)
    proc = run_pytest(site.path, "-n", "2", "page.md", env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (site.path / "runs.log").read_text().split() == ["one", "two", "three"]


# -- Docker ----------------------------------------------------------------------------


@pytest.mark.docker
def test_docker_page_runs_and_leaves_nothing_behind(
    site: pytest.Pytester, shared_engine: docker_scope.WorkerEngine | None
) -> None:
    result = run(site, "docker.md", "-v")
    result.assert_outcomes(passed=6)
    assert shared_engine is not None
    assert docker_scope.Inventory.take(shared_engine.env) == shared_engine.baseline


@pytest.mark.docker
def test_interactive_transcript_that_differs_shows_the_terminal_diff(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        $ docker run -it node
        Welcome to Node.js v26.12.1.
        Type ".help" for more information.
        > 1 + 1
        3
        > ^C
        (To exit, press Ctrl+C again or Ctrl+D or type .exit)
        > ^C
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["page.md:2: the terminal shows something else than the page", "*-3", "*+2"])


@pytest.mark.docker
def test_pages_run_in_parallel_without_colliding(site: pytest.Pytester) -> None:
    for name in ("one.md", "two.md"):
        page(
            site,
            """
            <!-- docstest: background ready=http://localhost:3000/ -->
            ```console
            $ docker run -p 3000:80 --name web node -e \\
                "require('http').createServer((q, r) => r.end('ok\\\\n')).listen(80)"
            ```

            ```console
            $ curl -s localhost:3000
            ok
            ```
            """,
            name,
        )
    env = nested_pytest_env(own_engine=True)
    proc = run_pytest(site.path, "-n", "2", "--dist", "loadfile", "one.md", "two.md", env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "4 passed" in proc.stdout


@pytest.mark.docker
def test_ctrl_c_mid_page_leaves_no_engine_container_or_image(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        $ docker run -d --name ctrl-c-victim node -e "setInterval(() => {}, 1000)"
        ...
        ```

        ```console
        $ touch started && sleep 120
        ```
        """,
    )
    env = nested_pytest_env(own_engine=True)
    proc = start_pytest_from_a_terminal(site.path, "page.md", env=env)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not list(
        Path("/run/docker-course").glob("e*/pages/docstest-*/work/started")
    ):
        time.sleep(0.5)
    engines = engines_started_by(proc.pid)
    assert engines, "the run never started its private engine"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl+C in a terminal does
    output, _ = proc.communicate(timeout=120)
    assert "KeyboardInterrupt" in output or "Interrupted" in output, output[-2000:]
    for engine_dir in engines:
        assert not engine_dir.exists(), f"{engine_dir} is still there after Ctrl+C"
        bridge = subprocess.run(["ip", "link", "show", f"dcbr{engine_dir.name[1:]}"], capture_output=True)
        assert bridge.returncode != 0, f"bridge of {engine_dir} is still there"
    # and nothing leaked onto the machine's own engine
    leaked = subprocess.run(
        ["docker", "ps", "-aq", "--filter", "name=ctrl-c-victim"], capture_output=True, text=True
    )
    assert leaked.stdout.strip() == ""


def engines_started_by(pid: int) -> list[Path]:
    """Private engines whose dockerd descends from process `pid` (through its supervisor)."""
    found = []
    for pidfile in Path("/run/docker-course").glob("e*/docker.pid"):
        try:
            ancestor = int(pidfile.read_text())
        except (OSError, ValueError):
            continue
        while ancestor > 1:
            try:
                stat = Path(f"/proc/{ancestor}/stat").read_text()
            except OSError:
                break
            ancestor = int(stat.rsplit(")", 1)[1].split()[1])
            if ancestor == pid:
                found.append(pidfile.parent)
                break
    return found


# -- the learner's world: terminal screens, downloads, no hidden swaps ----------------


@pytest.mark.docker
def test_docker_build_shows_the_final_screen_of_a_terminal(site: pytest.Pytester) -> None:
    path = page(
        site,
        """
        ---
        docstest:
          copy: [app]
        ---
        ```console
        $ docker build -t screen app
        TODO
        ```
        """,
    )
    run(site, "page.md", "--update-docs").assert_outcomes(passed=1)
    written = path.read_text()
    assert "[+] Building " in written and " FINISHED " in written  # BuildKit's view, not a log
    assert " => [1/3] FROM docker.io/library/node:latest" in written
    assert max(len(line) for line in written.splitlines()) <= 100  # the stated terminal width
    run(site, "page.md").assert_outcomes(passed=1)  # durations and order normalised: it matches again


def test_a_hidden_setup_step_may_not_change_the_readers_files(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        $ printf 'FROM node\\n' > Dockerfile
        ```

        <!-- docstest:setup
        printf 'FROM busybox\\n' > Dockerfile
        -->

        ```console
        $ cat Dockerfile
        FROM busybox
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        [
            "page.md:6: a hidden setup step changed the reader's files*",
            "    changed: Dockerfile",
            "*hint: show that step as a visible command*",
        ]
    )
    assert_no_plugin_frames(result.stdout.str())


def test_a_hidden_setup_step_that_only_cleans_up_passes(site: pytest.Pytester) -> None:
    page(
        site,
        """
        <!-- docstest:setup
        unset LEFTOVER
        -->

        ```console
        $ echo "${LEFTOVER:-clean}"
        clean
        ```
        """,
    )
    run(site, "page.md").assert_outcomes(passed=2)


def test_variables_come_from_the_projects_conftest_and_unknown_ones_fail(site: pytest.Pytester) -> None:
    site.makeconftest(
        """
        def pytest_docstest_variable(name, config):
            return "hello from conftest" if name == "greeting" else None
        """
    )
    page(
        site,
        """
        ```console
        $ echo "{{ greeting }}" '{{.Names}}'
        hello from conftest {{.Names}}
        $ echo {{ nobody_knows }}
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["page.md:4: no value for {{ nobody_knows }} here", "*pytest_docstest_variable*"]
    )


def test_unpack_starts_from_a_download_and_leaves_checks_the_end_state(site: pytest.Pytester) -> None:
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("kit/readme.txt", "read me\n")
        archive.writestr("kit/run.sh", "echo run\n")
    (site.path / "kit.zip").write_bytes(data.getvalue())
    site.makeconftest(
        f"""
        def pytest_docstest_variable(name, config):
            return {str(site.path)!r} if name == "here" else None
        """
    )
    page(
        site,
        """
        ---
        docstest:
          unpack: ["file://{{ here }}/kit.zip"]
          leaves: ["file://{{ here }}/kit.zip"]
        ---
        ```console
        $ cat kit/readme.txt
        read me
        $ echo extra > kit/extra.txt
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "page.md:1: the page must leave the learner's folder as the download*",
            "    not in the download: kit/extra.txt",
        ]
    )


# -- only real differences (issue 13) ----------------------------------------------------


def test_held_out_behaviours_now_pass(site: pytest.Pytester) -> None:
    """No job notice after a background job ends, an author's hex regex, a script's
    `set -euo pipefail`, and a number equal to the real port left alone (heldout.md)."""
    result = run(site, "heldout.md", "-v")
    result.assert_outcomes(passed=6)


@pytest.mark.docker
def test_every_fixture_page_reports_page_line_and_never_a_traceback(site: pytest.Pytester) -> None:
    """All fixture pages in one run: the good ones pass (ports.md: container-side ports and
    chosen names), and every failing one (failing/) is a `page.md:line` report."""
    result = run(site, ".", "--continue-on-collection-errors")
    out = result.stdout.str()
    assert_no_plugin_frames(out)
    result.assert_outcomes(passed=24, failed=4, errors=4)  # a dead shell is reported once, not in teardown
    for expected in [
        "failing/unknown-directive.md:1: unknown docstest directive 'timout' (did you mean 'timeout'?)",
        "failing/bad-front-matter.md:1: docstest.timeout takes the page's seconds",
        "failing/missing-copy.md:1: front matter docstest.copy names 'no-such-folder', which is not a folder",
        "failing/bad-regex.md:3: this ` (re)` line is not a valid regular expression",
        "failing/shell-dies.md:4: the page's shell ended while running the command",
        "failing/page-timeout.md:8: the page ran out of time: it may take 2 s in all (front matter "
        "docstest.timeout), and this command was interrupted with Ctrl+C after the 2 s that were left",
        "failing/ends-at-once.md:6: exit status 125, expected 0: it ended before its first input could "
        "be typed (no prompt appeared)",
        "failing/wrong-output.md:4: output differs from the page",
    ]:
        assert expected in out, expected
    diff = out[out.index("failing/wrong-output.md:4") :].split("hint:")[0]
    assert [line.strip() for line in diff.splitlines() if line.startswith(("    -", "    +"))] == [
        "--- expected (page)",
        "+++ actual",
        "-footer v1",
        "+footer v2",
    ]
    assert "(no output)" not in out.split("ends-at-once.md:6")[1].split("hint:")[0]
    assert "__DOCSTEST_" not in out


def test_an_error_inside_the_machinery_is_reported_at_the_page_line(site: pytest.Pytester) -> None:
    site.makeconftest(
        """
        def pytest_docstest_variable(name, config):
            raise RuntimeError("the site could not be built")
        """
    )
    page(site, "# A page\n\n```console\n$ curl -s {{ downloads_url }}/x.zip\n```\n")
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "page.md:3: the test machinery failed here, not the page (RuntimeError: the site could*",
            "*hint: rerun with --full-trace*",
        ]
    )
    assert "Traceback" not in result.stdout.str() and 'File "' not in result.stdout.str()
    run(site, "page.md", "--full-trace").stdout.fnmatch_lines(["*RuntimeError: the site could not be built*"])


@pytest.mark.docker
def test_a_chosen_name_with_an_underscore_is_compared_as_written(site: pytest.Pytester) -> None:
    page(
        site,
        """
        ```console
        $ docker run -d --name web_server node sleep 600
        0f4a1d9b3c2e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8
        $ docker ps --format 'table {{.ID}}\\t{{.Image}}\\t{{.Names}}'
        CONTAINER ID   IMAGE     NAMES
        0f4a1d9b3c2e   node      web_srv
        ```
        """,
    )
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["page.md:4: output differs from the page"])
    changed = [line.strip() for line in _report_lines(result) if line.startswith(("    -[", "    +["))]
    assert changed == ["-[ID] | node | [NAME]", "+[ID] | node | web_server"]  # the page chose web_server


def test_update_keeps_a_wildcard_that_matches_nothing_and_the_fences_indentation(
    site: pytest.Pytester,
) -> None:
    path = page(
        site,
        """
        1. A step in a list:

           ```console
           $ printf 'a\\nb v2\\n'
           a
           ...
           b v1
           ```
        """,
    )
    run(site, "page.md", "--update-docs").assert_outcomes(passed=1)
    assert "   $ printf 'a\\nb v2\\n'\n   a\n   ...\n   b v2\n   ```" in path.read_text()
    run(site, "page.md").assert_outcomes(passed=1)


def test_a_long_expected_output_is_matched_and_its_diff_names_the_one_change(site: pytest.Pytester) -> None:
    lines = "\n".join(f"line {n}" for n in range(1, 1500))
    page(site, f"```console\n$ seq -f 'line %g' 1 1500\n{lines}\nline fifteen hundred\n```\n")
    result = run(site, "page.md")
    result.assert_outcomes(failed=1)
    changed = [line.strip() for line in _report_lines(result) if line.startswith(("    -", "    +"))]
    assert changed == ["--- expected (page)", "+++ actual", "-line fifteen hundred", "+line 1500"]
    assert_no_plugin_frames(result.stdout.str())


def test_a_host_port_taken_by_another_program_is_replaced_and_the_server_retried(
    site: pytest.Pytester,
) -> None:
    site.makeconftest(
        """
        import socket

        import docstest.rewrite as rewrite

        _held = socket.create_server(("127.0.0.1", 0))  # another program on the port chosen first
        _free_port, _handed = rewrite.free_port, []


        def free_port_taken_first(like, avoid=()):
            if _handed:
                return _free_port(like, avoid)
            _handed.append(_held.getsockname()[1])
            return _handed[0]


        rewrite.free_port = free_port_taken_first
        """
    )
    page(
        site,
        f"""
        <!-- docstest: background ready=log:up -->
        ```console
        $ PORT=30000 {sys.executable} -u -c "{SERVE_ON_PORT_ENV}"
        up on port 30000
        ```
        """,
    )
    run(site, "page.md").assert_outcomes(passed=1)


def test_shard_runs_whole_pages_and_the_parts_add_up_to_everything(site: pytest.Pytester) -> None:
    for number in range(1, 6):
        page(site, "```console\n$ true\n```\n\n```console\n$ true\n```\n" * number, f"p{number}.md")
    names = [f"p{number}.md" for number in range(1, 6)]
    parts = []
    for part in ("1/2", "2/2"):
        result = run(site, *names, "--collect-only", "-q", "--shard", part)
        parts.append({line.split("::")[0] for line in result.outlines if "::line-" in line})
        ids = [line for line in result.outlines if "::line-" in line]
        for name in parts[-1]:  # a page is never split
            assert sum(1 for i in ids if i.startswith(name + "::")) == 2 * int(name[1])
    assert parts[0] | parts[1] == set(names) and not parts[0] & parts[1]
    result = run(site, *names, "--shard", "3/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard 3/2: the part must be between 1 and 2*"])
    run(site, "p1.md", "--store-durations").assert_outcomes(passed=2)
    assert "p1.md" in (site.path / ".docstest-durations.json").read_text()


def test_files_run_heaviest_first_by_measured_seconds_and_xdist_keeps_that_order(
    site: pytest.Pytester,
) -> None:
    """The longest files start first (on different xdist workers), not last on one."""
    for number in range(1, 4):
        page(site, "```console\n$ true\n```\n" * number, f"p{number}.md")
    site.makepyfile(test_quick="def test_one():\n    pass\n")
    names = ["p1.md", "p2.md", "p3.md", "test_quick.py"]

    def order() -> list[str]:
        lines = run(site, *names, "--collect-only", "-q").outlines
        return list(dict.fromkeys(line.split("::")[0] for line in lines if "::" in line))

    estimated = [name for name in order() if name.endswith(".md")]
    assert estimated == ["p3.md", "p2.md", "p1.md"]  # estimated: more commands, more seconds
    (site.path / ".docstest-durations.json").write_text('{"p1.md": 90, "test_quick.py": 60, "p3.md": 0}')
    assert order() == ["p1.md", "test_quick.py", "p2.md", "p3.md"]  # measured seconds win
    site.makeconftest(
        "def pytest_collection_finish(session):\n"
        "    print('reorder:', session.config.option.loadscopereorder)\n"
    )
    shown = run(site, "p1.md", "-n", "1", "--collect-only", "-q").outlines
    assert "reorder: False" in shown, shown


def _report_lines(result: pytest.RunResult) -> list[str]:
    """The failure reports, without pytest's short summary (under CI=true pytest does not
    shorten it, so it repeats each report in full)."""
    lines = result.outlines
    ends = [i for i, line in enumerate(lines) if "short test summary info" in line]
    return lines[: ends[0]] if ends else lines
