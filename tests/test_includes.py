"""Pages show goals-app code by named sections, never by line numbers.

`include_file("goals-app/server.js", lines="57-82")` keeps showing lines 57-82 after an edit
above them, so the page shows the wrong code and nothing fails. A section, marked in the file
with `// --8<-- [start:NAME]` and `// --8<-- [end:NAME]`, moves with its code. These checks read
the pages and the files directly (no site build): every goals-app include uses `section=`, every
section is marked exactly once, and what the macro renders contains no marker.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from hooks import macros

REPO = Path(__file__).resolve().parent.parent
CALL = re.compile(r"\{\{-?\s*include_file\((?P<args>.*?)\)\s*-?\}\}", re.S)
FRONT_MATTER = re.compile(r"---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Include:
    where: str  # docs/page.md:line
    path: str
    section: str | None
    lines: str | None


def includes(docs: Path) -> list[Include]:
    """Every include_file() call on the pages that render macros."""
    found = []
    for page in sorted(docs.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        front = FRONT_MATTER.match(text)
        if not front or (yaml.safe_load(front[1]) or {}).get("render_macros") is not True:
            continue  # macro calls on other pages are shown as text (docs/authoring.md)
        for match in CALL.finditer(text):
            where = f"{page.relative_to(docs.parent)}:{text.count(chr(10), 0, match.start()) + 1}"
            call = ast.parse(f"f({match['args']})", mode="eval").body
            assert isinstance(call, ast.Call) and call.args, f"{where}: include_file() without a path"
            options = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
            found.append(
                Include(where, ast.literal_eval(call.args[0]), options.get("section"), options.get("lines"))
            )
    return found


def render(repo: Path, include: Include) -> str:
    """What the include_file macro puts into the page, files read from `repo`."""
    env = SimpleNamespace(conf={}, variables={}, macros={}, page=None)
    env.macro = lambda function: env.macros.setdefault(function.__name__, function)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(macros, "REPO", repo)
        macros.define_env(env)
        return str(env.macros["include_file"](include.path, section=include.section, lines=include.lines))


def problems(repo: Path) -> list[str]:
    """Why the pages under repo/docs may show the wrong part of a file, one line per call."""
    found = []
    for include in includes(repo / "docs"):
        if include.path.startswith("goals-app/") and include.lines is not None:
            found.append(
                f"{include.where}: lines={include.lines!r} of {include.path}; an edit above them shows "
                "the wrong code. Mark a section in the file and use section= instead."
            )
        if include.section is None:
            continue
        text = (repo / include.path).read_text(encoding="utf-8").splitlines()
        bad_markers = [
            f"{include.where}: {include.path} has {count} lines with {marker}, expected 1."
            for marker in (f"[start:{include.section}]", f"[end:{include.section}]")
            if (count := sum(marker in line for line in text)) != 1
        ]
        found += bad_markers
        if bad_markers:
            continue
        shown = render(repo, include).split("\n")[1:-1]  # the fence's body
        if any("--8<--" in line for line in shown) or not any(line.strip() for line in shown):
            found.append(
                f"{include.where}: section {include.section!r} of {include.path} renders as:\n"
                + "\n".join(shown)
            )
    return found


def test_the_pages_show_goals_app_code_by_named_sections() -> None:
    sections = [i for i in includes(REPO / "docs") if i.path.startswith("goals-app/") and i.section]
    assert sections, "no page includes a section of a goals-app file any more; is this test still needed?"
    assert problems(REPO) == []


@pytest.mark.parametrize(
    ("call", "marks", "expected"),
    [
        ('lines="1-2"', ["start:a", "end:a"], "lines='1-2' of goals-app/server.js"),
        ('section="a"', ["start:a"], "has 0 lines with [end:a], expected 1."),
        ('section="a"', ["end:a"], "has 0 lines with [start:a], expected 1."),
        ('section="a"', ["start:a", "end:a", "start:a"], "has 2 lines with [start:a]"),
        ('section="a"', ["start:a", "start:b", "end:b", "end:a"], "renders as:"),
    ],
    ids=["line-range", "no-end-marker", "no-start-marker", "marked-twice", "nested-marker-shown"],
)
def test_a_line_range_or_a_bad_section_marker_is_reported(
    tmp_path: Path, call: str, marks: list[str], expected: str
) -> None:
    (tmp_path / "goals-app").mkdir()
    code = []
    for mark in marks:
        code += [f"// --8<-- [{mark}]", f"const {mark.replace(':', '_')} = 1;"]
    (tmp_path / "goals-app" / "server.js").write_text("\n".join(code) + "\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    macro = f'{{{{ include_file("goals-app/server.js", {call}) }}}}'
    page = f"---\nrender_macros: true\n---\n\n# Page\n\n{macro}\n"
    (tmp_path / "docs" / "page.md").write_text(page, encoding="utf-8")
    (tmp_path / "docs" / "plain.md").write_text(
        '# No macros\n\n{{ include_file("goals-app/server.js", lines="1-2") }}\n', encoding="utf-8"
    )
    found = problems(tmp_path)
    assert len(found) == 1 and found[0].startswith("docs/page.md:7: ") and expected in found[0], found
