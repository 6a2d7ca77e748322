"""The host's own tools that pages and tests run outside containers, installed when missing.

A page's commands run in a bash on the host (`curl localhost:3000`, `unzip -q goals-app.zip`,
`npm install`), and so do the goals app's local tests; a machine that happens to have them
would hide a missing install step from a fresh one.
"""

from __future__ import annotations

import shutil

from .system import apt_install, is_debian_like, is_root, say

# Debian package -> the command that shows it is there
HOST_TOOLS = {
    "curl": "curl",  # pages and docstest's own tests ask servers on the host
    "unzip": "unzip",  # lecture 21 unzips the goals app download; tests check its file modes
    "git": "git",  # hooks/downloads.py zips the files `git ls-files` lists
    "iproute2": "ip",  # bridges of the private engines, and the test that they are removed
    "nodejs": "node",  # tests/test_goals_app.py runs the app and its node:test suite
    "npm": "npm",  # `npm ci` for those tests, `npm pack` for Mermaid (hooks/vendor_assets.py)
}


def missing_tools() -> dict[str, str]:
    return {package: command for package, command in HOST_TOOLS.items() if shutil.which(command) is None}


def ensure_host_tools() -> None:
    """Install the missing host tools when we may (root on Debian/Ubuntu), else say what fails."""
    missing = missing_tools()
    if not missing:
        return
    if not (is_root() and is_debian_like()):
        say(f"host: missing {', '.join(missing.values())}; the pages and tests that run them will fail")
        return
    apt_install(missing)
