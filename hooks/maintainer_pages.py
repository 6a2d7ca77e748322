"""MkDocs hook: the maintainers' pages, kept out of the learners' nav, listed in `extra.maintainers`.

Learners' prev/next links follow the nav, so the author's guide, the house style and the
benchmarks sit outside it (`not_in_nav`). This hook checks that every page `extra.maintainers`
names exists, and gives the templates `maintainer_pages` (MkDocs pages, titled by their own
front matter) for the footer's link ("유지보수 안내 · For maintainers") and its list of those
pages. hooks/pdf.py prints the same list, in the same order, as the maintainers' books.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

WHERE = "mkdocs.yml: extra.maintainers"


@dataclass(frozen=True)
class MaintainerPage:
    path: str  # docs/-relative source: "authoring.md"
    url: str  # the built page's URL, relative to the site root: "authoring/"
    file: File


def listed(config: MkDocsConfig) -> tuple[str, list[str]]:
    """The section's title and its pages (docs/-relative paths) from `extra.maintainers`."""
    section = (config.get("extra") or {}).get("maintainers")
    if not isinstance(section, dict) or not isinstance(section.get("pages"), list):
        raise PluginError(f"{WHERE} must be a mapping with `title:` and `pages:`, a list of docs/ paths.")
    pages = section["pages"]
    if not all(isinstance(page, str) for page in pages):
        raise PluginError(f"{WHERE}.pages: {pages!r} must be docs/ paths such as authoring.md.")
    return str(section.get("title") or ""), pages


def resolve(config: MkDocsConfig, files: Files) -> list[MaintainerPage]:
    """The listed pages, in order; a name that is no page of docs/ fails the build."""
    found = []
    for path in listed(config)[1]:
        file = files.get_file_from_path(path)
        if file is None or not file.is_documentation_page():
            raise PluginError(
                f"{WHERE} lists {path!r}, which is not a page in docs/; fix the path or remove it."
            )
        found.append(MaintainerPage(path, file.url, file))
    return found


def pages(config: MkDocsConfig, files: Files) -> list[Page]:
    """The listed pages (MkDocs makes a Page of every docs/ page, in the nav or not)."""
    return [page.file.page for page in resolve(config, files) if page.file.page is not None]


def on_env(env: Environment, config: MkDocsConfig, files: Files, **_: Any) -> Environment:
    env.globals["maintainer_pages"] = pages(config, files)
    return env
