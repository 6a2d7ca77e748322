"""`make bench`: measure what the issues set bars for, and print a table to paste into
docs/maintainers/benchmarks.md. Ratios are compared within one run (machines are noisy).

- cold provisioning: an empty private engine and an empty registry of its own (the
  machine's engine and images are left alone); apt-get installs are not included
- warm time of the goals-app tests (local and container)
- `docker stop` of the goals container vs a plain PID-1 node process
- goals image size vs its base image
- docstest runner overhead over a plain bash script (20 quick commands)
- doc suite wall time with -n 2 vs without
- CPU of a one-block page's pytest run, compiling every import vs reading them compiled
- the whole test suite, warm, as `make test` runs it (pytest time)
- the offline PDFs (`make pdf`): time of the PDF step for the learner's two books and for all
  four, and their sizes
- the site: Lighthouse mobile performance and accessibility of every lecture page, served with
  gzip, and lecture 22's first-load transfer (bench/site.py)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import site

REPO = Path(__file__).resolve().parent.parent
PYTEST = [str(REPO / ".venv/bin/python"), "-m", "pytest", "-p", "no:cacheprovider", "-q"]
Row = tuple[str, str, str]  # what, figure, bar


def timed(action: Callable[[], object]) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def sh(*args: str, env: dict[str, str] | None = None, timeout: float = 1800) -> str:
    proc = subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(
            f"bench: `{' '.join(args)}` failed ({proc.returncode}):\n{proc.stdout[-2000:]}"
            f"\n{proc.stderr[-2000:]}"
        )
    return proc.stdout


def cold_provisioning() -> list[Row]:
    """Engine start + stand-in build + registry push, from nothing, beside the real set-up."""
    state = Path(tempfile.mkdtemp(prefix="bench-state-"))
    port = 5099
    env = {**os.environ, "DOCKER_COURSE_STATE": str(state), "DOCKER_COURSE_REGISTRY": f"127.0.0.1:{port}"}
    script = (
        "import time, json, os\n"
        "from provision import private, registry, images\n"
        "t0 = time.monotonic(); registry.ensure_running(); e = private.start_private_engine()\n"
        "t1 = time.monotonic(); os.environ['DOCKER_HOST'] = e.host\n"
        "try:\n"
        "    images.ensure_images(['node'])\n"
        "finally:\n"
        "    t2 = time.monotonic(); e.stop()\n"
        "print(json.dumps([t1 - t0, t2 - t1]))\n"
    )
    try:
        out = sh(sys.executable, "-c", script, env=env, timeout=1800)
    finally:
        subprocess.run(["pkill", "-f", f"registry-{port}.yml"], capture_output=True)
        shutil.rmtree(state, ignore_errors=True)
    engine_s, images_s = (float(x) for x in out.strip().splitlines()[-1].strip("[]").split(","))
    total = engine_s + images_s
    return [
        (
            "cold: Debian 13 engine root (debootstrap, docker.io + buildx) and engine start",
            f"{engine_s:.1f} s",
            "",
        ),
        (
            "cold: node stand-in (npm pack of the official binary, import, build, push)",
            f"{images_s:.1f} s",
            "",
        ),
        ("cold provisioning, total", f"{total:.0f} s", "<= 180 s " + ("✓" if total <= 180 else "✗")),
    ]


def goals_tests_warm() -> list[Row]:
    args = [*PYTEST, "tests/test_goals_app.py", "tests/test_goals_container.py"]
    sh(*args)  # warm: images and npm cache in place
    seconds = timed(lambda: sh(*args))
    return [
        (
            "goals-app tests, warm (local + container)",
            f"{seconds:.1f} s",
            "<= 60 s " + ("✓" if seconds <= 60 else "✗"),
        )
    ]


def stop_times() -> list[Row]:
    tag = "bench-goals"
    sh("docker", "build", "-q", "-t", tag, "goals-app")
    try:
        size = int(sh("docker", "image", "inspect", "--format", "{{.Size}}", tag))
        base = int(sh("docker", "image", "inspect", "--format", "{{.Size}}", "node"))

        def stop(image: str, *cmd: str) -> float:
            container = sh("docker", "run", "-d", image, *cmd).strip()
            time.sleep(1.5)
            try:
                return timed(lambda: sh("docker", "stop", container))
            finally:
                subprocess.run(["docker", "rm", "-f", container], capture_output=True)

        goals = statistics.median(stop(tag) for _ in range(3))
        plain = stop("node", "-e", "setInterval(() => {}, 1000)")
    finally:
        subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
    return [
        (
            "docker stop, goals container (median of 3)",
            f"{goals:.2f} s",
            "<= 1 s " + ("✓" if goals <= 1 else "✗"),
        ),
        (
            "docker stop, plain PID-1 node (no SIGTERM handler)",
            f"{plain:.1f} s",
            f"{plain / goals:.0f}x slower",
        ),
        (
            "goals image size",
            f"{size / 1e6:.0f} MB",
            f"base node {base / 1e6:.0f} MB + {(size - base) / 1e6:.1f} MB",
        ),
    ]


QUICK_PAGE = (
    "# Twenty quick commands\n\n```console\n"
    + "".join(f"$ docker run --rm node -e 'console.log({n} * 2)'\n{n * 2}\n" for n in range(20))
    + "```\n"
)


def runner_overhead() -> list[Row]:
    """The same 20 commands through the docs runner and through bash, on one warm engine."""
    folder = Path(tempfile.mkdtemp(prefix="bench-page-"))
    (folder / "page.md").write_text(QUICK_PAGE)
    (folder / "pytest.ini").write_text("[pytest]\ndocstest_roots = .\n")
    (folder / "page.sh").write_text(
        "set -e\n"
        + "".join(line[2:] + " >/dev/null\n" for line in QUICK_PAGE.splitlines() if line.startswith("$ "))
    )
    script = (
        "import json, os, subprocess, sys, time, pytest\n"
        f"os.chdir({str(folder)!r})\n"
        "args = ['-q', '-p', 'no:cacheprovider', 'page.md']\n"
        "assert pytest.main(args) == 0  # warm-up: starts this process's engine\n"
        "from docstest.docker import scope as docker_scope\n"
        "env = docker_scope.worker_engine().env\n"
        "runner, plain = [], []\n"
        "for _ in range(3):\n"
        "    t = time.monotonic(); assert pytest.main(args) == 0; runner.append(time.monotonic() - t)\n"
        "    t = time.monotonic(); subprocess.run(['bash', 'page.sh'], env=env, check=True)\n"
        "    plain.append(time.monotonic() - t)\n"
        "print(json.dumps([min(runner), min(plain)]))\n"
    )
    try:
        out = sh(sys.executable, "-c", script, timeout=1800)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    runner, plain = (float(x) for x in out.strip().splitlines()[-1].strip("[]").split(","))
    overhead = runner / plain - 1
    return [
        ("20 quick commands, plain bash", f"{plain:.1f} s", ""),
        (
            "20 quick commands, docs runner (pytest, warm engine)",
            f"{runner:.1f} s",
            f"overhead {overhead:+.0%} (<= 10 % " + ("✓)" if overhead <= 0.10 else "✗)"),
        ),
    ]


def doc_suite_parallel() -> list[Row]:
    """The doc suite in one process and with -n 2, and what each page took (heaviest first)."""
    pages = sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").rglob("*.md"))
    serial = timed(lambda: sh(*PYTEST, *pages))
    with tempfile.TemporaryDirectory(prefix="bench-durations-") as folder:
        durations = Path(folder) / "durations.json"
        record = ["--store-durations", "-o", f"docstest_durations={durations}"]
        parallel = timed(lambda: sh(*PYTEST, "-n", "2", "--dist", "loadfile", *record, *pages))
        per_page = json.loads(durations.read_text()) if durations.exists() else {}
    speedup = serial / parallel
    rows = [
        (f"doc suite ({len(pages)} pages), one process", f"{serial:.0f} s", ""),
        (
            "doc suite, -n 2 --dist loadfile",
            f"{parallel // 60:.0f} min {parallel % 60:.0f} s",
            f"{speedup:.2f}x faster (>= 1.5x "
            + ("✓" if speedup >= 1.5 else "✗")
            + "); <= 5 min "
            + ("✓" if parallel <= 300 else "✗"),
        ),
    ]
    for page, seconds in sorted(per_page.items(), key=lambda item: -item[1]):
        rows.append((f"  {page}", f"{seconds:.0f} s", "one worker's time for the page"))
    return rows


def worker_engine_start() -> list[Row]:
    """A test worker's private engine, ready with its base images (seeded, no pull)."""
    script = (
        "import json, statistics, sys, time\n"
        "from docstest.docker import scope as docker_scope\n"
        "docker_scope.WorkerEngine().stop()  # warm-up: makes the seed once\n"
        "times = []\n"
        "for _ in range(5):\n"
        "    t = time.monotonic(); w = docker_scope.WorkerEngine(); times.append(time.monotonic() - t)\n"
        "    w.stop(); time.sleep(1)  # the next spare set of links is made in the background\n"
        "print(json.dumps([statistics.median(times), max(times)]))\n"
    )
    median, worst = json.loads(sh(sys.executable, "-c", script).strip().splitlines()[-1])
    return [
        (
            "private engine ready with base images (median of 5)",
            f"{median:.1f} s (max {worst:.1f} s)",
            "<= 2 s " + ("✓" if median <= 2 else "✗") + "; 14.2 s when each engine pulled node",
        )
    ]


def _cpu_seconds(args: list[str], env: dict[str, str], cwd: Path) -> float:
    """CPU seconds (user + system) a child process and its children took."""
    before = os.times()
    subprocess.run(args, env=env, cwd=cwd, check=True, capture_output=True, timeout=300)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def bytecode() -> list[Row]:
    """A one-block page's pytest run, compiling every module it imports (a fresh venv with
    PYTHONDONTWRITEBYTECODE set, as the Makefile no longer allows) and reading them compiled."""
    with tempfile.TemporaryDirectory(prefix="bench-bytecode-") as folder:
        page = Path(folder)
        (page / "page.md").write_text("```console\n$ echo hello\nhello\n```\n")
        (page / "pytest.ini").write_text("[pytest]\ndocstest_roots = .\n")
        args = [str(REPO / ".venv/bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "page.md"]
        # an empty prefix: Python finds no compiled module and writes none (as a fresh venv did)
        cold = {**os.environ, "PYTHONPYCACHEPREFIX": str(page / "empty"), "PYTHONDONTWRITEBYTECODE": "1"}
        warm = {**os.environ, "PYTHONPYCACHEPREFIX": str(page / "kept"), "PYTHONDONTWRITEBYTECODE": ""}
        _cpu_seconds(args, warm, page)  # fills the kept prefix once
        compiling = statistics.median(_cpu_seconds(args, cold, page) for _ in range(3))
        compiled = statistics.median(_cpu_seconds(args, warm, page) for _ in range(3))
    return [
        ("one-block page's pytest run, compiling every import", f"{compiling:.1f} CPU-s", ""),
        (
            "the same, modules read compiled (make setup compiles, make test keeps)",
            f"{compiled:.1f} CPU-s",
            f"{compiling / compiled:.1f}x less CPU for every Python process a test run starts",
        ),
    ]


def whole_suite_warm() -> list[Row]:
    """`make test`'s pytest run, warm (engine, images, venv in place): the figure CI pays."""
    seconds = timed(lambda: sh(*PYTEST, "-n", "2", "--dist", "loadfile", timeout=3600))
    bar = 1.3 * 129  # 2 min 9 s of pytest time before BuildKit transcripts and downloads
    return [
        (
            "whole test suite, warm (-n 2)",
            f"{seconds // 60:.0f} min {seconds % 60:.0f} s",
            f"<= {bar:.0f} s (1.3x the 129 s before) " + ("✓" if seconds <= bar else "✗"),
        )
    ]


WROTE = re.compile(r"PDF: wrote (\S+) \((\d+) pages, [\d.]+ MB\) in [\d.]+ s, ([\d.]+) s into the PDF step")
PDF_STEP = re.compile(r"PDF: \d+ books .* in ([\d.]+) s, in ")


PdfRun = tuple[dict[str, tuple[int, float]], dict[str, int], float]  # books, sizes, step seconds


def _pdf_run() -> PdfRun:
    """One COURSE_PDF=1 build: each book's pages and the seconds into the PDF step it was written
    at (from the hook's log), its size, and the whole step's seconds."""
    folder = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    env = {**os.environ, "COURSE_PDF": "1", "NO_MKDOCS_2_WARNING": "1"}
    try:
        proc = subprocess.run(
            [str(REPO / ".venv/bin/mkdocs"), "build", "--strict", "-d", str(folder)],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            cwd=REPO,
        )
        if proc.returncode != 0:
            raise SystemExit(f"bench: COURSE_PDF=1 mkdocs build failed:\n{proc.stderr[-3000:]}")
        books = {Path(path).name: (int(pages), float(at)) for path, pages, at in WROTE.findall(proc.stderr)}
        sizes = {name: (folder / "pdf" / name).stat().st_size for name in books}
        step = PDF_STEP.search(proc.stderr)
        return books, sizes, float(step.group(1)) if step else 0.0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def pdf_books() -> list[Row]:
    """`make pdf`'s PDF step as hooks/pdf.py times it (the site build before it is not counted);
    the better of two runs, as other work shares the machine."""
    runs = [_pdf_run() for _ in range(2)]
    learner = [max(at for name, (_, at) in run[0].items() if name.startswith("course-")) for run in runs]
    best = learner.index(min(learner))
    books, sizes, step = runs[best]
    rows: list[Row] = [
        (
            "offline PDFs: course-ko.pdf + course-en.pdf (printed side by side)",
            f"{learner[best]:.1f} s",
            "<= 20 s " + ("✓" if learner[best] <= 20 else "✗") + f" (other run {learner[1 - best]:.1f} s)",
        ),
        ("offline PDFs: the PDF step, all four books", f"{step:.1f} s", ""),
    ]
    for name in sorted(books):
        per_page = sizes[name] / books[name][0]
        bar = f"{per_page / 1000:.0f} KB a page (<= 70 " + ("✓)" if per_page <= 70_000 else "✗)")
        rows.append((f"{name}, {books[name][0]} pages", f"{sizes[name] / 1e6:.2f} MB", bar))
    return rows


SECTIONS = {
    "cold": cold_provisioning,
    "goals": goals_tests_warm,
    "stop": stop_times,
    "runner": runner_overhead,
    "parallel": doc_suite_parallel,
    "engine": worker_engine_start,
    "bytecode": bytecode,
    "suite": whole_suite_warm,
    "pdf": pdf_books,
    "site": site.site_scores,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "only", nargs="*", metavar="SECTION", help=f"some of: {', '.join(SECTIONS)} (default: all)"
    )
    args = parser.parse_args()
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    rows: list[Row] = []
    for name in args.only or SECTIONS:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        rows += SECTIONS[name]()
    print("| measure | figure | bar / comparison |\n| --- | --- | --- |")
    for what, figure, bar in rows:
        print(f"| {what} | {figure} | {bar} |")


if __name__ == "__main__":
    main()
