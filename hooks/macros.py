"""mkdocs-macros module: put real files from the repository into pages.

Pages never paste code that exists in a file. `dockerfile()` shows a Dockerfile, or the
subset of its instructions a lecture has reached so far, with the new lines highlighted;
`include_file()` shows any file or a named section of it. An unknown file, instruction or
section raises, and `on_error_fail: true` turns that into a failed `mkdocs build --strict`
that names the page and line of the macro call.

`download_link()` links to a zip that hooks/downloads.py put into the site (`downloads_url`
is the absolute URL of that folder).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from hooks import cheatsheet, learner_path, measurements
from hooks.terminology import load_rules, table_markdown

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = {
    ".js": "javascript",
    ".json": "json",
    ".py": "python",
    ".css": "css",
    ".sh": "bash",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".md": "markdown",
    ".txt": "text",
    ".html": "html",
}


class MacroError(ValueError):
    """A macro call that cannot be satisfied; the message says where and what to do."""


def _where(env: MacrosEnv, needle: str) -> str:
    """`page.md:line` of the first macro call that mentions `needle` on the current page."""
    page = getattr(env, "page", None)
    if page is None or page.file is None:
        return "<unknown page>"
    source = Path(page.file.abs_src_path).read_text(encoding="utf-8").splitlines()
    line = next((i for i, text in enumerate(source, 1) if needle in text and "{{" in text), 0)
    return f"docs/{page.file.src_path}:{line}" if line else f"docs/{page.file.src_path}"


def _read(env: MacrosEnv, path: str) -> list[str]:
    file = (REPO / path).resolve()
    if REPO not in file.parents or not file.is_file():
        raise MacroError(
            f"{_where(env, path)}: no file {path!r} in the repository "
            "(paths are relative to the repository root, e.g. 'goals-app/Dockerfile')."
        )
    return file.read_text(encoding="utf-8").splitlines()


def _fence(lines: list[str], *, lang: str, title: str, highlight: list[int]) -> str:
    attrs = f'title="{title}"'
    if highlight:
        attrs += f' hl_lines="{" ".join(map(str, highlight))}"'
    body = "\n".join(lines)
    fence = "````" if "```" in body else "```"
    return f"{fence} {{ .{lang} {attrs} }}\n{body}\n{fence}"


def _instruction(line: str) -> str:
    return line.split(maxsplit=1)[0].upper() if line.strip() and not line.lstrip().startswith("#") else ""


F = TypeVar("F", bound=Callable[..., str])


class MacrosEnv(Protocol):
    """The part of mkdocs-macros' plugin object (`env`) these macros use."""

    conf: Any  # MkDocs' config
    variables: dict[str, Any]
    page: Any  # the page being rendered (MkDocs' Page)

    def macro(self, function: F) -> F: ...

    def render(self, markdown: str, force_rendering: bool = False) -> str: ...


def define_env(env: MacrosEnv) -> None:
    learner_path.register(env)  # lecture_list(): the home page's lectures, place and reading time

    @env.macro
    def cheat_sheet(language: str) -> str:
        """The module's Docker commands grouped by task, from the pages' executed blocks."""
        try:
            return cheatsheet.markdown(language)
        except cheatsheet.CheatSheetError as error:
            raise MacroError(f"{_where(env, 'cheat_sheet')}: {error}") from None

    @env.macro
    def measured(name: str) -> str:
        """A value a run recorded (docs/measurements.json), as the command printed it."""
        try:
            return measurements.value(name)
        except KeyError as error:
            raise MacroError(f"{_where(env, name)}: {error.args[0]}") from None

    @env.macro
    def seconds_between(longer: str, shorter: str) -> str:
        """Seconds saved between two recorded `time` figures, e.g. "4.1"."""
        try:
            return measurements.seconds_between(longer, shorter)
        except KeyError as error:
            raise MacroError(f"{_where(env, longer)}: {error.args[0]}") from None

    @env.macro
    def dockerfile(
        path: str = "goals-app/Dockerfile",
        show: str | list[str] | None = None,
        new: str | list[str] | None = None,
        title: str | None = None,
    ) -> str:
        """A Dockerfile, or only its lines whose instruction is in `show` (kept in file order).

        `new` names the instructions (or exact lines) to highlight: what this step adds.
        """
        lines = _read(env, path)
        wanted = [show] if isinstance(show, str) else show
        fresh = [new] if isinstance(new, str) else (new or [])
        present = {_instruction(line) for line in lines} | {line.strip() for line in lines}
        for name in [*(wanted or []), *fresh]:
            if name.upper() not in present and name not in present:
                raise MacroError(
                    f"{_where(env, path)}: {path} has no instruction or line {name!r} "
                    f"(it has: {', '.join(sorted(i for i in present if i.isupper()))})."
                )
        if wanted is not None:
            picked = [
                line
                for line in lines
                if _instruction(line) in {w.upper() for w in wanted} or line.strip() in wanted
            ]
            # keep one blank line between instructions, as in the file
            lines = [part for line in picked for part in (line, "")][:-1]
        highlight = [
            i
            for i, line in enumerate(lines, 1)
            if line.strip() and (_instruction(line) in {f.upper() for f in fresh} or line.strip() in fresh)
        ]
        return _fence(lines, lang="dockerfile", title=title or path, highlight=highlight)

    @env.macro
    def include_file(
        path: str,
        section: str | None = None,
        lang: str | None = None,
        title: str | None = None,
        lines: str | None = None,
    ) -> str:
        """A whole file, a `--8<-- [start:NAME]`/`[end:NAME]` section of it, or a line range "a-b"."""
        text = _read(env, path)
        if section is not None:
            start = next(
                (i for i, t in enumerate(text) if re.search(rf"\[start:{re.escape(section)}\]", t)), None
            )
            end = next(
                (i for i, t in enumerate(text) if re.search(rf"\[end:{re.escape(section)}\]", t)), None
            )
            if start is None or end is None or end <= start:
                raise MacroError(
                    f"{_where(env, path)}: {path} has no section {section!r} "
                    f"(mark it with comments containing [start:{section}] and [end:{section}])."
                )
            text = text[start + 1 : end]
        if lines is not None:
            match = re.fullmatch(r"(\d+)-(\d+)", lines)
            if not match or not (1 <= int(match[1]) <= int(match[2]) <= len(text)):
                raise MacroError(
                    f"{_where(env, path)}: lines={lines!r} is not a range 'a-b' "
                    f"within 1-{len(text)} of {path}."
                )
            text = text[int(match[1]) - 1 : int(match[2])]
        language = lang or LANGUAGES.get(Path(path).suffix, "dockerfile" if "Dockerfile" in path else "text")
        return _fence(text, lang=language, title=title or path, highlight=[])

    @env.macro
    def terminology_table(language: str, indent: int = 4) -> str:
        """The house style's terminology table (docs/maintainers/terminology.yml) in "ko" or "en";
        `indent`: the tab's indentation, which the table's later lines need too."""
        if language not in ("ko", "en"):
            where = _where(env, "terminology_table")
            raise MacroError(f"{where}: language {language!r} is not 'ko' or 'en'.")
        table = table_markdown(load_rules(), language)
        return table.replace("\n", "\n" + " " * indent)

    site_url = str(env.conf.get("site_url") or "/")
    env.variables["downloads_url"] = site_url.rstrip("/") + "/downloads"

    @env.macro
    def download_link(name: str) -> str:
        """`[name.zip](../downloads/name.zip) (12 KB)`: a zip made by hooks/downloads.py."""
        files = env.variables.get("files")  # the site's files, captured by mkdocs-macros in on_nav
        zips = {
            f.src_uri.removeprefix("downloads/").removesuffix(".zip"): f
            for f in (files or [])
            if f.src_uri.startswith("downloads/") and f.src_uri.endswith(".zip")
        }
        if name not in zips:
            known = ", ".join(sorted(zips)) or "none; is hooks/downloads.py under hooks: in mkdocs.yml?"
            raise MacroError(f"{_where(env, name)}: no download {name!r} (known: {known}).")
        # Markdown links are relative to the page's source file; MkDocs checks and rewrites them
        depth = env.page.file.src_uri.count("/")
        size = max(1, round(len(zips[name].content_bytes) / 1024))
        return f"[{name}.zip]({'../' * depth}downloads/{name}.zip) ({size} KB)"
