"""The page parser: which fences run, as what, and which mistakes are caught at collection."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docstest.model import PageError
from docstest.parse import parse_source

PAGE = Path("page.md")
RUNS = {"console": "console", "shell-session": "console", "bash": "script", "sh": "script", "py": "python"}


def scan(text: str) -> list[tuple[int, str]]:
    """An independent scanner: (line, kind) of each executable fence at any indentation,
    skipping fences shown inside longer fences (as the author's guide shows Markdown source).
    A bash fence with `$ ` lines is a transcript, as in the author's guide."""
    found: list[tuple[int, str]] = []
    open_fence, opened, lang, body = "", 0, "", []
    for number, line in enumerate(text.split("\n"), 1):
        match = re.match(r"^\s*(`{3,}|~{3,})\s*(.*)$", line)
        closes = match is not None and match[1][0] == open_fence[:1] and len(match[1]) >= len(open_fence)
        if open_fence and (match is None or not closes):
            body.append(line.strip())
            continue
        if open_fence and match is not None:
            if not match[2].strip():
                kind = RUNS.get(lang)
                if kind == "script" and any(row.startswith("$ ") for row in body):
                    kind = "console"
                if kind:
                    found.append((opened, kind))
                open_fence = ""
            continue
        if match:
            open_fence, opened, body = match[1], number, []
            attribute = re.match(r"^\{[^}]*\.([\w-]+)", match[2])
            lang = attribute.group(1) if attribute else (match[2].split() or [""])[0]
    return found


# -- generated pages ------------------------------------------------------------------------

LANGUAGES = ["console", "shell-session", "bash", "sh", "py", "text", "json", ""]


@st.composite
def fence(draw: st.DrawFn) -> list[str]:
    lang = draw(st.sampled_from(LANGUAGES))
    ticks = draw(st.sampled_from(["```", "````", "~~~"]))
    info = draw(st.sampled_from([lang, f'{{ .{lang} title="x" }}'])) if lang else ""
    if lang in ("console", "shell-session"):
        body = ["$ echo hi", "hi"]
    elif lang in ("bash", "sh"):
        body = draw(st.sampled_from([["echo script"], ["$ echo hi", "hi"]]))
    elif lang == "py":
        body = ["print(1)", "#> 1"]
    elif ticks == "````":  # Markdown source showing a fence: not a block of its own
        body = ["```console", "$ echo shown", "```"]
    else:
        body = ['{"a": 1}']
    return [f"{ticks}{info}", *body, ticks]


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> list[str]:
    kinds = ["paragraph", "fence", "fence"] + (["container"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "paragraph":
        return [draw(st.sampled_from(["Some text.", "More *text* here.", "- a list item"]))]
    if kind == "fence":
        return draw(fence())
    header = draw(st.sampled_from(['=== "한국어"', '=== "English"', '!!! note "Note"', "??? tip"]))
    inner = draw(st.lists(element(depth + 1), min_size=1, max_size=3))
    body = [("    " + line if line else "") for part in inner for line in [*part, ""]]
    return [header, "", *body]


pages = st.lists(element(), max_size=6).map(
    lambda parts: "\n".join(line for part in parts for line in [*part, ""])
)


@given(pages)
def test_the_parser_finds_exactly_the_fences_a_plain_scanner_finds(text: str) -> None:
    assert [(block.line, block.kind) for block in parse_source(text, PAGE).blocks] == scan(text)


def test_update_indentation_is_the_fences_own() -> None:
    text = (
        "1. A step:\n\n   ```console\n   $ echo hi\n   hi\n   ```\n\n"
        '=== "한국어"\n\n    ```console\n    $ echo a\n    ```\n'
    )
    assert [block.indent for block in parse_source(text, PAGE).blocks] == ["   ", "    "]


# -- mistakes caught when a page is collected ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "<!-- docstest: timout=5 -->\n```console\n$ true\n```\n",
            "unknown docstest directive 'timout' (did you mean 'timeout'?)",
        ),
        ("<!-- docstest: timeout=abc -->\n```console\n$ true\n```\n", "'abc' is not a number of seconds"),
        ("<!-- docstest: timeout=0 -->\n```console\n$ true\n```\n", "seconds must be a positive number"),
        ("<!-- docstest: status=300 -->\n```console\n$ true\n```\n", "an exit status is 0-255"),
        (
            "<!-- docstest: interactive=maybe -->\n```console\n$ true\n```\n",
            "interactive takes true or false",
        ),
        ("<!-- docstest: background ready=tcp:70000 -->\n```console\n$ true\n```\n", "not a TCP port"),
        ("<!-- docstest: capture='(a)(b)' -->\n```console\n$ true\n```\n", "exactly one group"),
        ("<!-- docstest: record='(\\d+)' -->\n```console\n$ true\n```\n", "record takes NAME=REGEX"),
        ("<!-- docstest: record='Seconds=(\\d+)' -->\n```console\n$ true\n```\n", "record takes NAME=REGEX"),
        (
            "<!-- docstest: record='took=\\d+' -->\n```console\n$ true\n```\n",
            "record took needs a regex with exactly one group",
        ),
        ("```console\n$ echo '(x'\n(x (re)\n```\n", "not a valid regular expression"),
        ("---\ndocstest:\n  timeout: abc\n---\n", "docstest.timeout takes the page's seconds"),
        ("---\ndocstest:\n  timeout: true\n---\n", "docstest.timeout takes the page's seconds"),
        ("---\ndocstest:\n  copies: [app]\n---\n", "has no setting 'copies' (did you mean 'copy'?)"),
        ("---\ndocstest:\n  copy: [../outside]\n---\n", "folders inside the repository"),
        ("---\ndocstest:\n  engine: new\n---\n", "must be 'worker' or 'fresh'"),
        ("---\ndocstest: [1\n---\n", "front matter is not valid YAML"),
    ],
)
def test_mistakes_are_page_errors_with_a_line(text: str, message: str) -> None:
    with pytest.raises(PageError) as error:
        parse_source(text, PAGE)
    assert message in error.value.render()
    assert error.value.render().startswith("page.md:")


def test_valid_values_pass() -> None:
    text = (
        "---\ndocstest:\n  timeout: 90\n  copy: app\n---\n"
        "<!-- docstest: timeout=2.5 status=3 interactive=false terminal=yes -->\n```console\n$ true\n```\n"
    )
    page = parse_source(text, PAGE)
    assert page.options.timeout == 90.0 and page.options.copy == ["app"]
    assert page.blocks[0].directives.status == 3 and page.blocks[0].directives.terminal is True
