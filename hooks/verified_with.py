"""MkDocs hook: each lecture page says what its commands were last verified with.

The figures are not typed: the test run writes `docs/verified-with.json` when every lecture
page passed (see `record()`, called from the root conftest.py), and this hook puts a short
note in both languages at the end of each lecture, so the site and the PDFs printed from it
state the Docker Engine, CLI, BuildKit client and `node` image the transcripts came from
(at the end of the page, after the lecture).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

REPO = Path(__file__).resolve().parent.parent
RECORD = REPO / "docs" / "verified-with.json"
FIELDS = ("date", "engine", "cli", "buildx", "node", "npm")

NOTE = """
===! "한국어"

    !!! info "검증 환경"
        이 페이지의 명령과 출력은 {date}에 Docker Engine {engine}(CLI {cli}, BuildKit 클라이언트
        buildx {buildx})와 `node` 이미지(Node.js {node}, npm {npm})로 모두 실행해 확인했습니다.
        여러분의 화면에서는 ID, 시간, 버전 같은 값이 다를 수 있습니다.

=== "English"

    !!! info "Verified with"
        Every command and output on this page was run and checked on {date} with Docker Engine
        {engine} (CLI {cli}, BuildKit client buildx {buildx}) and the `node` image (Node.js {node},
        npm {npm}). On your screen, values such as IDs, times and versions may differ.
"""


def load(path: Path = RECORD) -> dict[str, str]:
    """The last recorded environment; a missing or incomplete record fails loudly."""
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    missing = [name for name in FIELDS if not data.get(name)]
    if missing:
        raise ValueError(f"{path}: fields {missing} are missing; run the doc tests to record them")
    return data


def note(data: dict[str, str]) -> str:
    return NOTE.format(**{name: data[name] for name in FIELDS})


# A terminal transcript (```console, ```shell-session, ``` { .console … }): a page without one
# has no commands to have verified.
TRANSCRIPT = re.compile(
    r"^\s*(?:`{3,}|~{3,})\s*(?:console|shell-session|\{[^}]*\.(?:console|shell-session)\b)", re.M
)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """At the end of each lecture with commands, as a tab set of its own (`===!`): placed next
    to the page's own language tabs, it would otherwise merge into them."""
    if not page.file.src_uri.startswith("lectures/") or not TRANSCRIPT.search(markdown):
        return markdown
    return markdown.rstrip("\n") + "\n\n" + note(load())


def _docker(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["docker", *args], capture_output=True, text=True, check=True, timeout=120, env=env
    ).stdout.strip()


def measure(env: dict[str, str] | None = None) -> dict[str, str]:
    """Ask the engine the pages ran on (DOCKER_HOST in `env`) what it is and what it holds."""
    versions = json.loads(_docker("version", "--format", "{{json .}}", env=env))
    buildx = re.search(r"\s(v?\d+\.\d+\.\d+)", _docker("buildx", "version", env=env))
    node_env = json.loads(_docker("image", "inspect", "--format", "{{json .Config.Env}}", "node", env=env))
    node = next((item.split("=", 1)[1] for item in node_env if item.startswith("NODE_VERSION=")), "")
    npm = _docker("run", "--rm", "node", "npm", "--version", env=env)
    return {
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "engine": str(versions["Server"]["Version"]),
        "cli": str(versions["Client"]["Version"]),
        "buildx": buildx.group(1).lstrip("v") if buildx else "",
        "node": node,
        "npm": npm,
    }


def record(env: dict[str, str] | None = None, path: Path = RECORD) -> dict[str, Any]:
    data = measure(env)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return data
