"""docstest: run every shell block of the course pages and compare it with the page.

Installed with the project (`make setup`) and loaded by pytest through its `pytest11` entry
point (`docstest.plugin`); `-p no:docstest` turns it off. These re-exports keep an explicit
`-p docstest` working too (pytest then skips the entry point of the same name). See
docs/authoring.md for how pages are written.

The core runs transcripts of any CLI and knows none: parse (Markdown -> blocks), shell (one
bash per page), match (normalised comparison), wildcards (`...`, `[..]`, `(re)` and the
alignment behind diffs and updates), rewrite (host ports and captures), runner (a page's
run), update (--update-docs), shard (--shard), exits (ending a run cleanly), plugin (the
pytest hooks) and hookspecs (what a project answers). What only a CLI knows it asks that
CLI's dialect (dialect.py: the `Dialect` and a page's `Scope`; the base class is the plain
dialect). The Docker dialect is the sub-package docker/ (commands, normalise, scope, dialect),
a pytest plugin of its own, `docstest_docker`: docstest.plugin registers it by name in
pytest_addhooks unless `-p no:docstest_docker` blocks it, and it answers the hook
pytest_docstest_dialect. The core never imports it (tests/unit/test_seam.py).
"""

from .plugin import (
    pytest_addhooks,
    pytest_addoption,
    pytest_collect_file,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_makereport,
)

__all__ = [
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_runtest_makereport",
]
