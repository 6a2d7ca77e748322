"""MkDocs hook: every page's front matter is checked before MkDocs reads it.

MkDocs forgives too much here: front matter that is not valid YAML is silently ignored and
printed on the page as text (`render_macros: true` is lost with it, so `{{ macro() }}` shows
raw), a first line such as `Note: ...` is swallowed as MultiMarkdown metadata, and a misspelt
key (`descripton:`) is kept and never used. This hook fails the build instead, naming
`docs/page.md:LINE` and what to write, so `make serve` and `make build` catch it, not only
`make test`. The keys a page may set, and their types, are in KEYS.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from docstest.parse import PAGE_KEYS

# What MkDocs itself recognises (mkdocs.utils.meta): YAML between --- (or ...) lines at the very
# top, else "Key: value" lines of MultiMarkdown metadata.
_OPENING = re.compile(r"^-{3}[ \t]*$")
_CLOSING = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")
_MULTIMARKDOWN = re.compile(r"^[ ]{0,3}[A-Za-z0-9_-]+:\s*")
_HIDE = {"navigation", "toc", "footer", "path", "tags", "feedback"}  # Material's `hide:` values


@dataclass(frozen=True)
class Key:
    """A front matter key: how to tell its value is right, and what it should be."""

    valid: Callable[[Any], bool]
    expected: str
    settings: frozenset[str] = frozenset()  # a mapping's own keys, each checked on its line


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _search(value: Any) -> bool:
    if not isinstance(value, dict) or not set(value) <= {"exclude", "boost"}:
        return False
    boost = value.get("boost", 1)
    return isinstance(value.get("exclude", False), bool) and isinstance(boost, int | float) and boost > 0


KEYS: dict[str, Key] = {
    "title": Key(_text, "the page's Korean title (hooks/titles.py)"),
    "description": Key(_text, "one sentence (Korean) for <meta name=description> and search engines"),
    "description_en": Key(_text, "the same sentence in English"),
    "title_en": Key(_text, "the page's title in English (`title:` is the Korean; hooks/titles.py)"),
    "render_macros": Key(lambda v: isinstance(v, bool), "true or false (mkdocs-macros: expand {{ ... }})"),
    "docstest": Key(
        lambda v: isinstance(v, dict) and set(v) <= PAGE_KEYS,
        f"a mapping of the docs tests' settings: {', '.join(sorted(PAGE_KEYS))}",
        frozenset(PAGE_KEYS),
    ),
    "search": Key(
        _search,
        "a mapping such as `exclude: true` or `boost: 2` (Material's search)",
        frozenset({"exclude", "boost"}),
    ),
    "hide": Key(
        lambda v: isinstance(v, list) and all(item in _HIDE for item in v),
        f"a list of: {', '.join(sorted(_HIDE))}",
    ),
    "status": Key(_text, "a status name, e.g. new or deprecated (Material)"),
}


@dataclass(frozen=True)
class Problem:
    path: str  # "docs/lectures/20-external-images.md"
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def _yaml_problem(path: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line = mark.line + 2 if mark is not None else 1  # the YAML starts on the file's line 2
    what = getattr(error, "problem", None) or str(error)
    return Problem(
        path,
        line,
        f"front matter is not valid YAML ({what}); MkDocs would show it as text and ignore it. "
        "Fix the YAML: quote a value that contains ': ' or starts with a quote, bracket or '{'.",
    )


def _unknown(path: str, key_node: yaml.Node, known: Collection[str], where: str) -> Problem:
    name = str(key_node.value)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean `{close[0]}:`? " if close else ""
    return Problem(
        path,
        key_node.start_mark.line + 2,
        f"unknown {where} `{name}:`; {hint}the keys are {', '.join(known)}",
    )


def _key_problems(path: str, mapping: yaml.MappingNode, data: dict[Any, Any]) -> list[Problem]:
    problems, seen = [], set()
    for key_node, value_node in mapping.value:
        name, line = key_node.value, key_node.start_mark.line + 2
        if name in seen:
            problems.append(Problem(path, line, f"`{name}:` is set twice; keep one."))
        seen.add(name)
        key = KEYS.get(name)
        if key is None:
            problem = _unknown(path, key_node, list(KEYS), "front matter key")
            problems.append(
                Problem(path, line, f"{problem.message} (a new one goes into KEYS in hooks/front_matter.py).")
            )
            continue
        strangers = (
            [sub for sub, _ in value_node.value if key.settings and sub.value not in key.settings]
            if isinstance(value_node, yaml.MappingNode)
            else []
        )
        if strangers:
            problems += [_unknown(path, sub, sorted(key.settings), f"`{name}:` setting") for sub in strangers]
        elif not key.valid(data[name]):
            problems.append(
                Problem(path, line, f"`{name}:` must be {KEYS[name].expected}, not {data[name]!r}.")
            )
    return problems


def check(text: str, path: str) -> list[Problem]:
    """What is wrong with the front matter of one page's source `text` (none: [])."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not _OPENING.match(lines[0]):
        if _MULTIMARKDOWN.match(lines[0]):
            return [
                Problem(
                    path,
                    1,
                    "MkDocs reads this first line as metadata and drops it from the page; start the "
                    "page with its heading, or put front matter between two `---` lines.",
                )
            ]
        return []
    end = next((i for i in range(1, len(lines)) if _CLOSING.match(lines[i])), None)
    if end is None:
        return [Problem(path, 1, "front matter opened here is never closed; end it with a line `---`.")]
    source = "\n".join(lines[1:end]) + "\n"
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        return [_yaml_problem(path, error)]
    if not isinstance(node, yaml.MappingNode) or not isinstance(data, dict):
        return [
            Problem(
                path,
                2 if node is None else node.start_mark.line + 2,
                "front matter must be `key: value` lines (a YAML mapping); MkDocs ignores anything "
                "else and shows it as text. Remove the `---` lines if the page has no settings.",
            )
        ]
    return _key_problems(path, node, data)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    docs = Path(config["docs_dir"]).name  # "docs": pages are named as the repository holds them
    problems = [
        problem
        for file in files.documentation_pages()
        for problem in check(file.content_string, f"{docs}/{file.src_uri}")
    ]
    if problems:
        raise PluginError("front matter:\n" + "\n".join(map(str, problems)))
    return files
