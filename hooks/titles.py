"""Titles and names, written once per language: where each one is, and how to read it.

A page's titles are its front matter: `title:` (Korean, what MkDocs and the nav use) and
`title_en:`. The names mkdocs.yml writes in Korean (site name, author, copyright, nav section
titles, the maintainers' section) have their English in mkdocs.yml's `extra.english`, a
catalog keyed by the Korean text. The site (hooks/language.py), the offline books
(hooks/pdfplan.py) and the tests read titles here and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CODES = ("ko", "en")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.S)


@dataclass(frozen=True)
class Bilingual:
    """One text in both languages."""

    ko: str
    en: str

    def in_(self, code: str) -> str:
        if code not in CODES:
            raise ValueError(f"language {code!r} is not one of {CODES}")
        return self.ko if code == "ko" else self.en


def title_in(title: Bilingual, language: str) -> str:
    """`title` in one language ("ko" or "en")."""
    return title.in_(language)


class TitleError(ValueError):
    """A title or name without its other language; the message names file:line and the fix."""


def from_meta(meta: Mapping[str, Any], where: str) -> Bilingual:
    """A page's titles from its front matter (`title:` Korean, `title_en:` English)."""
    ko, en = meta.get("title"), meta.get("title_en")
    missing = [
        key for key, value in (("title", ko), ("title_en", en)) if not isinstance(value, str) or not value
    ]
    if missing:
        raise TitleError(
            f"{where}:1: no {' and no '.join(f'`{key}:`' for key in missing)} in the front matter; "
            "a page names itself once per language: `title: 한국어 제목` and `title_en: English title`"
        )
    return Bilingual(str(ko).strip(), str(en).strip())


def front_matter(path: Path) -> dict[str, Any]:
    """The YAML front matter of a Markdown file ({} without one)."""
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(match.group(1)) if match else None
    return data if isinstance(data, dict) else {}


def page_title(path: Path, where: str | None = None) -> Bilingual:
    """The titles of the page at `path` (docs/…/page.md), read without MkDocs."""
    return from_meta(front_matter(path), where or str(path))


def catalog(extra: dict[str, Any] | None) -> dict[str, str]:
    """mkdocs.yml's `extra.english`: Korean text → its English."""
    english = (extra or {}).get("english")
    if not isinstance(english, dict):
        raise TitleError(
            "mkdocs.yml: no `extra.english` mapping; it gives the English of each name the file "
            'writes in Korean, e.g. `extra: {english: {"강의": "Lectures"}}`'
        )
    return {str(key): str(value) for key, value in english.items()}


def named(korean: str, english: dict[str, str]) -> Bilingual:
    """A name mkdocs.yml writes in Korean, with its English from the catalog."""
    if korean not in english:
        raise TitleError(
            f"mkdocs.yml: {korean!r} has no English in `extra.english`; add a line "
            f'"{korean}": "<its English>" there'
        )
    return Bilingual(korean, english[korean])


def nav_title(item: Any, english: dict[str, str]) -> Bilingual:
    """A nav entry's title: a page's own titles, or the Korean name mkdocs.yml gives it (a
    section's title, or a page's nav title such as "홈") with its English from the catalog."""
    meta = getattr(item, "meta", None)
    if isinstance(meta, dict) and meta.get("title") == item.title:
        return from_meta(meta, f"docs/{item.file.src_uri}")
    return named(str(item.title), english)
