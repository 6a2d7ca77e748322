"""docstest: run every shell block of the course pages against a real Docker engine.

Enabled with `-p docstest` (pyproject's addopts). See docs/authoring.md for how pages
are written and tests/docstest/*.py for the parts: parse (Markdown -> blocks), shell (one
bash per page), match (normalised comparison), rewrite (ports and captures),
docker_scope (private engines and cleanup), runner (a page's run), update
(--update-docs) and plugin (the pytest hooks).
"""

from .plugin import (
    pytest_addhooks,
    pytest_addoption,
    pytest_collect_file,
    pytest_collection_modifyitems,
    pytest_configure,
)

__all__ = [
    "pytest_addhooks",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_collection_modifyitems",
    "pytest_configure",
]
