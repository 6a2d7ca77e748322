"""Nothing of a test run outlives it, whatever ends it.

Each case starts a real `pytest -n 1` (controller + one worker, as CI runs) on a small page,
waits until the page reaches a phase (engine start, a build, an interactive program, a
background server), ends the run with a signal as a terminal, a CI cancel or `kill` would,
and then checks that nothing of that run remains: no process, no private engine (daemon,
data, sockets, bridge, iptables rules, mounts), no page folder, no Docker object on the
machine's engine.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from provision import engine, private
from tests.helpers import nested_pytest_env, start_pytest_from_a_terminal

RUN = private.PRIVATE_RUN
MARK = "docstest-fault"  # names of everything the pages make, to find it on the main engine
PLANTED = "planted-by-test_faults"  # a file in a dead owner's engine data that no new owner makes
SERVER = "require('http').createServer((q, s) => s.end()).listen(80)"

PHASES = {
    # the signal arrives while the worker starts its engine
    "start": ("", 0.3),
    "build": (
        f"""
        ```console
        $ touch reached
        ```

        <!-- docstest: expect=timeout timeout=300 -->
        ```console
        $ printf 'FROM node\\nRUN sleep 300\\n' | docker build -t {MARK}-slow -
        ```
        """,
        4.0,
    ),
    "repl": (
        f"""
        ```console
        $ touch reached
        ```

        <!-- docstest: timeout=300 -->
        ```console
        $ docker run -it --name {MARK}-repl node
        Welcome to Node.js v[..]
        Type ".help" for more information.
        > await new Promise(resolve => setTimeout(resolve, 300000))
        > .exit
        ```
        """,
        4.0,
    ),
    "server": (
        f"""
        <!-- docstest: background ready=http://localhost:4711/ -->
        ```console
        $ docker run -p 4711:80 --name {MARK}-web node -e "{SERVER}"
        ```

        ```console
        $ touch reached && sleep 300
        ```
        """,
        1.0,
    ),
}


def _killpg(sig: int) -> Callable[[subprocess.Popen[str]], None]:
    return lambda proc: os.killpg(proc.pid, sig)


def _double_sigint(proc: subprocess.Popen[str]) -> None:
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGINT)


SIGNALS: dict[str, Callable[[subprocess.Popen[str]], None]] = {
    "sigint": _killpg(signal.SIGINT),  # Ctrl+C in a terminal
    "double-sigint": _double_sigint,  # an impatient Ctrl+C
    "sigterm-controller": lambda proc: proc.send_signal(signal.SIGTERM),  # `kill PID`
    "sigterm-group": _killpg(signal.SIGTERM),  # a CI cancel, `timeout`
    "sigkill-group": _killpg(signal.SIGKILL),  # the OOM killer, a hard cancel
}


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def _slots_of(root: int) -> set[str]:
    """Private engine slots whose daemon (or its launcher) descends from process `root`."""
    found = set()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        slot = re.search(r"/run/docker-course/(e\d+)/", text)
        if not slot:
            continue
        pid = int(cmdline.parent.name)
        while pid > 1:
            pid = _parent(pid)
            if pid == root:
                found.add(slot.group(1))
                break
    return found


def _processes_in(group: int) -> list[str]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            found.append(stat.parent.name)
    return found


def _leftovers(slots: set[str], tmpdir: Path, group: int) -> list[str]:
    problems = [f"process {pid} of the run" for pid in _processes_in(group)]
    mounts = Path("/proc/mounts").read_text()
    iptables = engine.iptables_command()
    rules = subprocess.run([*iptables, "-S"], capture_output=True, text=True).stdout if iptables else ""
    for slot in slots:
        index = slot.removeprefix("e")
        if (RUN / slot).exists():
            problems.append(f"{RUN / slot}")
        if (private.PRIVATE_DATA / slot).exists():
            problems.append(f"{private.PRIVATE_DATA / slot}")
        if subprocess.run(["ip", "link", "show", f"dcbr{index}"], capture_output=True).returncode == 0:
            problems.append(f"bridge dcbr{index}")
        if f"dcbr{index} " in rules.replace("\n", " \n"):
            problems.append(f"iptables rules for dcbr{index}")
        if f"/{slot}/" in mounts or f"/{slot} " in mounts:
            problems.append(f"a mount of {slot}")
        for proc in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if f"docker-course/{slot}/".encode() in proc.read_bytes():
                    problems.append(f"process {proc.parent.name} of {slot}")
            except OSError:
                continue
    problems += [f"page folder {path}" for path in tmpdir.glob("docstest-*")]
    on_main = subprocess.run(
        ["docker", "ps", "-aq", "--filter", f"name={MARK}"], capture_output=True, text=True
    ).stdout.split()
    images = subprocess.run(
        ["docker", "images", "-q", f"{MARK}-*"], capture_output=True, text=True
    ).stdout.split()
    problems += [f"container {c} on the machine's engine" for c in on_main]
    problems += [f"image {i} on the machine's engine" for i in images]
    return problems


def _wait_clean(slots: set[str], tmpdir: Path, group: int, seconds: float) -> list[str]:
    """Cleaning up takes a few seconds after the run ends (engines stop, supervisors tidy).
    While a process of the run or a slot's folder is still there, only that is looked at: the
    whole check asks iptables, ip and the machine's engine (about 70 ms of CPU a time)."""
    deadline = time.monotonic() + seconds
    while True:
        tidying = _processes_in(group) or any((RUN / slot).exists() for slot in slots)
        if not tidying or time.monotonic() > deadline:
            problems = _leftovers(slots, tmpdir, group)
            if not problems or time.monotonic() > deadline:
                return problems
        time.sleep(0.5)


def _run_until(folder: Path, phase: str) -> tuple[subprocess.Popen[str], set[str]]:
    """Start the run; return once it reached `phase` (and the slots it took)."""
    env = {**nested_pytest_env(own_engine=True), "TMPDIR": str(folder / "tmp")}
    proc = start_pytest_from_a_terminal(folder, "-n", "1", "-p", "no:cacheprovider", "page.md", env=env)
    body, settle = PHASES[phase]
    deadline = time.monotonic() + 180
    slots: set[str] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        slots |= _slots_of(proc.pid)
        reached = [slot for slot in slots if list((RUN / slot).glob("pages/docstest-*/work/reached"))]
        if not body:
            reached = slots
        if reached:
            break
        time.sleep(0.2)
    assert proc.poll() is None, f"the run ended before reaching {phase}:\n{proc.communicate()[0][-3000:]}"
    time.sleep(settle)
    slots |= _slots_of(proc.pid)
    return proc, slots


@pytest.mark.docker
@pytest.mark.parametrize("phase", list(PHASES))
@pytest.mark.parametrize("how", list(SIGNALS))
def test_nothing_of_a_run_outlives_it(tmp_path: Path, phase: str, how: str) -> None:
    (tmp_path / "tmp").mkdir()
    (tmp_path / "pytest.ini").write_text("[pytest]\ndocstest_roots = .\n")
    body = PHASES[phase][0] or "```console\n$ docker run --rm node -e 'console.log(1)'\n1\n```\n"
    (tmp_path / "page.md").write_text(textwrap.dedent(body).lstrip())
    proc, slots = _run_until(tmp_path, phase)
    assert slots, "the run started no private engine"
    SIGNALS[how](proc)
    try:
        output = proc.communicate(timeout=120)[0]
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        output = proc.communicate()[0]
        pytest.fail(f"the run did not end within 120 s of {how}:\n{output[-3000:]}")
    assert "INTERNALERROR" not in output, output[-3000:]
    problems = _wait_clean(slots, tmp_path / "tmp", proc.pid, 45)
    assert not problems, f"after {how} in {phase}, left behind:\n  " + "\n  ".join(problems)


@pytest.mark.docker
def test_the_next_run_sweeps_what_a_killed_run_left(tmp_path: Path) -> None:
    """Leftovers of a dead owner (a slot's folders, its bridge and iptables rules) are gone
    after the next run starts, without touching slots other runs hold."""
    lock = None
    for index in range(private.MAX_PRIVATE):
        lock = private._try_lock(index)
        if lock is not None:
            break
    assert lock is not None
    slot, bridge = f"e{index}", f"dcbr{index}"
    (RUN / slot / "pages" / "docstest-1-x").mkdir(parents=True)
    (private.PRIVATE_DATA / slot / "overlay2").mkdir(parents=True)
    (private.PRIVATE_DATA / slot / "overlay2" / PLANTED).write_text("left by a dead owner\n")
    subprocess.run(["ip", "link", "add", "name", bridge, "type", "bridge"], check=True)
    iptables = engine.iptables_command()
    if iptables:
        subprocess.run([*iptables, "-A", "FORWARD", "-o", bridge, "-j", "ACCEPT"], check=True)
    lock.close()  # the owner "dies"
    (tmp_path / "pytest.ini").write_text("[pytest]\ndocstest_roots = .\n")
    (tmp_path / "page.md").write_text("```console\n$ echo hello\nhello\n```\n")
    env = nested_pytest_env(own_engine=True)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "page.md"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    held = private._try_lock(index)
    if held is None:  # another run of this suite took the freed slot meanwhile: its own engine
        # is there now, so only what the dead owner planted is looked for
        planted = [RUN / slot / "pages" / "docstest-1-x", private.PRIVATE_DATA / slot / "overlay2" / PLANTED]
        problems = [str(path) for path in planted if path.exists()]
        rules = subprocess.run([*iptables, "-S"], capture_output=True, text=True).stdout if iptables else ""
        problems += [f"iptables rule for {bridge}"] if f"-o {bridge} -j ACCEPT" in rules else []
    else:
        held.close()
        problems = _leftovers({slot}, tmp_path, -1)
    assert not problems, problems


@pytest.mark.docker
def test_a_dead_engine_is_the_engines_fault_and_the_next_page_gets_a_new_one(tmp_path: Path) -> None:
    """A worker's engine that dies mid-page: that page fails saying so (pid, status), with no
    hint to change the page; the next page on the worker runs on a new engine."""
    (tmp_path / "pytest.ini").write_text("[pytest]\ndocstest_roots = .\n")
    (tmp_path / "a.md").write_text(
        "```console\n$ docker run --rm node -e 'console.log(1)'\n1\n```\n\n"
        '```console\n$ kill -9 "$(cat "$(dirname "${DOCKER_HOST#unix://}")/docker.pid")"\n```\n\n'
        "```console\n$ docker run --rm node -e 'console.log(2)'\n2\n```\n"
    )
    (tmp_path / "b.md").write_text("```console\n$ docker run --rm node -e 'console.log(3)'\n3\n```\n")
    env = nested_pytest_env(own_engine=True)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "a.md", "b.md"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = done.stdout
    assert re.search(r"a\.md:\d+: not the page's fault: this worker's Docker engine \(pid \d+\)", out), out[
        -3000:
    ]
    assert "--update-docs" not in out and "status=" not in out, out[-3000:]
    assert re.search(r"b\.md \.", out) or "b.md::line-1 PASSED" in out, out[-3000:]
    assert "restarted a dead engine" in out, out[-3000:]
