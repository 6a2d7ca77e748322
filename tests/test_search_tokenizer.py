"""The site's Korean/English search words, tested under Node: tests/search_tokenizer.test.js runs
overrides/assets/javascripts/lunr/min/lunr.ko.min.js in the lunr of Material's search worker
(particles and endings cut off, both spellings one word, English stems, prefix queries)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import material

from docstest.ci import unavailable

REPO = Path(__file__).resolve().parent.parent
TEST = REPO / "tests" / "search_tokenizer.test.js"


def test_search_words_under_node() -> None:
    node = shutil.which("node")
    if node is None:
        unavailable("no node (run `make test`, which installs Debian's nodejs as root)")
    templates = Path(material.__file__).resolve().parent / "templates"
    proc = subprocess.run(
        [node, "--test", str(TEST)],
        cwd=REPO,
        env={**os.environ, "MATERIAL_TEMPLATES": str(templates)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    summary = [line for line in proc.stdout.splitlines() if line.startswith(("# pass", "# fail", "not ok"))]
    assert proc.returncode == 0, f"{TEST.name} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    assert "# fail 0" in summary, summary
