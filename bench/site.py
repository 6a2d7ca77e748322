"""`make bench ARGS=site`: Lighthouse's mobile scores for every lecture page, as a learner's phone
would load the built site from a server that compresses (hooks/site_server.py), and lecture 22's
first-load transfer.

Lighthouse comes from npm, pinned with every dependency's integrity hash by
bench/lighthouse/package-lock.json and installed with `npm ci` into .cache/lighthouse/.
Lighthouse 13 needs Node.js 22.19 or newer and the hosts' Node.js is older (20.20 where this was
written), so the pin is 12.8.2, the newest release that runs on Node.js 18.16+. Chromium is Debian's
(CHROME_PATH). Lighthouse's default config is the mobile preset: a Moto G Power screen, a
4x slower CPU and simulated slow 4G. The CPU slow-down multiplies what this machine measured, so
on a busy machine (Lighthouse's benchmarkIndex far below 1000) total blocking time, and with it
the performance score, come out worse than a learner's phone sees; each row prints both.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hooks.site_server import serve_gzip
from hooks.sitebuild import mkdocs_build
from provision.browser import chromium_path

REPO = Path(__file__).resolve().parent.parent
PINNED = REPO / "bench" / "lighthouse"
INSTALL = REPO / ".cache" / "lighthouse"
CLI = INSTALL / "node_modules" / "lighthouse" / "cli" / "index.js"
BAR = 95  # performance and accessibility, every lecture page
TRANSFER_PAGE = "lectures/22-dockerfile/"
TRANSFER_GOAL = 250_000  # bytes, compressed, first load
Row = tuple[str, str, str]


def install() -> Path:
    """Lighthouse as bench/lighthouse/package-lock.json pins it (again when the lock changed)."""
    lock = (PINNED / "package-lock.json").read_bytes()
    if not CLI.exists() or (INSTALL / "package-lock.json").read_bytes() != lock:
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("bench site: npm is needed to install Lighthouse (run `make images` as root)")
        INSTALL.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copyfile(PINNED / name, INSTALL / name)
        proc = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--silent"],
            cwd=INSTALL,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if proc.returncode != 0:
            raise SystemExit(f"bench site: `npm ci` of Lighthouse failed:\n{proc.stderr[-2000:]}")
    return CLI


def lighthouse(cli: Path, url: str, chromium: str, out: Path) -> dict[str, object]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("bench site: node is needed to run Lighthouse")
    proc = subprocess.run(
        [
            node,
            str(cli),
            url,
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": chromium},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"bench site: Lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    report: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return report


def _score(report: dict[str, object], category: str) -> int:
    categories = report["categories"]
    assert isinstance(categories, dict)
    return round(100 * float(categories[category]["score"]))


def _audit(report: dict[str, object], name: str) -> float:
    audits = report["audits"]
    assert isinstance(audits, dict)
    return float(audits[name]["numericValue"])


def lecture_pages(site: Path) -> list[str]:
    return sorted(f"lectures/{page.parent.name}/" for page in (site / "lectures").glob("*/index.html"))


def site_scores() -> list[Row]:
    """Performance and accessibility per lecture page; lecture 22's first-load transfer."""
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("bench site: no Chromium (run `python -m provision browser` as root)")
    cli = install()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-site-") as folder:
        site = Path(folder) / "site"
        build = mkdocs_build(site)
        if build.returncode != 0:
            raise SystemExit(f"bench site: mkdocs build failed:\n{build.stderr[-3000:]}")
        worst = {"performance": 100, "accessibility": 100}
        transfer = 0.0
        with serve_gzip(str(site)) as base:
            for page in lecture_pages(site):
                report = lighthouse(cli, base + page, chromium, Path(folder) / "report.json")
                perf, a11y = _score(report, "performance"), _score(report, "accessibility")
                worst = {
                    "performance": min(worst["performance"], perf),
                    "accessibility": min(worst["accessibility"], a11y),
                }
                lcp = _audit(report, "largest-contentful-paint") / 1000
                tbt = _audit(report, "total-blocking-time")
                environment = report["environment"]
                assert isinstance(environment, dict)
                speed = round(
                    float(environment["benchmarkIndex"])
                )  # this machine's CPU, as Lighthouse saw it
                rows.append(
                    (
                        f"Lighthouse mobile, {page}",
                        f"perf {perf}, a11y {a11y}",
                        f"LCP {lcp:.1f} s, TBT {tbt / 1000:.1f} s (CPU benchmarkIndex {speed})",
                    )
                )
                if page == TRANSFER_PAGE:
                    transfer = _audit(report, "total-byte-weight")
        rows.append(
            (
                "Lighthouse mobile, every lecture page (lowest)",
                f"perf {worst['performance']}, a11y {worst['accessibility']}",
                f">= {BAR} each: perf "
                + ("✓" if worst["performance"] >= BAR else "✗")
                + ", a11y "
                + ("✓" if worst["accessibility"] >= BAR else "✗"),
            )
        )
        rows.append(
            (
                f"first load of {TRANSFER_PAGE}, transferred (gzip)",
                f"{transfer / 1000:.0f} KB",
                f"<= {TRANSFER_GOAL // 1000} KB " + ("✓" if transfer <= TRANSFER_GOAL else "✗"),
            )
        )
    return rows
