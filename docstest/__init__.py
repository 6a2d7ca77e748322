"""docstest: run every shell block of the course pages against a real Docker engine.

Installed with the project (`make setup`) and loaded by pytest through its `pytest11` entry
point (`docstest.plugin`); `-p no:docstest` turns it off. These re-exports keep an explicit
`-p docstest` working too (pytest then skips the entry point of the same name). See
docs/authoring.md for how pages are written and docstest/*.py for the parts: parse (Markdown
-> blocks), shell (one bash per page), match (normalised comparison), wildcards (`...`,
`[..]`, `(re)` and the alignment behind diffs and updates), rewrite (ports and captures),
commands (what part of a command runs in a container), docker_scope (private engines and
cleanup), runner (a page's run), update (--update-docs), shard (--shard) and plugin (the
pytest hooks).
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
