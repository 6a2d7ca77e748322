"""The course content: every point of the user's notes survives, in both languages.

tests/content/seed-notes.ko.md is the user's Korean lecture notes; tests/content/seed-map/
maps each of its headings and numbered points to an anchor in the Korean tab of a page
(the English tab carries the same anchor + "-en") and to key words that carry the point's
meaning in each language. Removing a point from a Korean page or an English tab, or emptying
its section of the words that carry it, fails here.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml

from docstest.parse import unwrap_containers
from hooks.prose import PageLine, page_lines
from hooks.reading_time import reading_minutes
from tests.helpers import mkdocs_build

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
CONTENT = Path(__file__).parent / "content"
LANGUAGES = ("한국어", "English")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
ANCHOR = re.compile(r"\{\s*(?:[^}]*\s)?#([\w-]+)(?:\s[^}]*)?\}")


@dataclass(frozen=True)
class SeedPoint:
    heading: str
    text: str  # "" for the heading itself


def seed_points() -> list[SeedPoint]:
    points, heading = [], ""
    for line in (CONTENT / "seed-notes.ko.md").read_text(encoding="utf-8").splitlines():
        if re.match(r"^#{1,2} ", line):
            heading = line.strip()
            points.append(SeedPoint(heading, ""))
        elif re.match(r"^\d+\. ", line):
            points.append(SeedPoint(heading, line.strip()))
    return points


@cache
def seed_map() -> dict[str, dict]:
    maps = {}
    for path in sorted((CONTENT / "seed-map").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        maps[data["heading"]] = {**data, "file": path.name}
    return maps


@cache
def anchors_by_language(page: str) -> dict[str, set[str]]:
    """Anchor ids written in a page's Markdown, by the language tab they sit in."""
    unwrapped = unwrap_containers((DOCS / page).read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for line, containers in zip(unwrapped.text.split("\n"), unwrapped.containers, strict=True):
        tab = next((c[4:] for c in containers if c.startswith("tab:")), "")
        for anchor in ANCHOR.findall(line):
            found.setdefault(tab, set()).add(anchor)
    return found


def mapped(point: SeedPoint) -> tuple[str, str]:
    entry = seed_map().get(point.heading)
    assert entry, f"seed heading {point.heading!r} has no map in tests/content/seed-map/"
    if not point.text:
        return entry["page"], entry["anchor"]
    for item in entry["points"]:
        if item["seed"] == point.text:
            return entry["page"], item["anchor"]
    raise AssertionError(f"seed point {point.text!r} (under {point.heading!r}) is not in {entry['file']}")


@pytest.mark.parametrize("point", seed_points(), ids=lambda p: (p.text or p.heading)[:40])
def test_every_point_of_the_notes_has_a_korean_and_an_english_counterpart(point: SeedPoint) -> None:
    page, anchor = mapped(point)
    anchors = anchors_by_language(page)
    assert anchor in anchors.get("한국어", set()), f"docs/{page}: no {{ #{anchor} }} in a 한국어 tab"
    assert f"{anchor}-en" in anchors.get("English", set()), (
        f"docs/{page}: no {{ #{anchor}-en }} in an English tab"
    )


def keywords(point: SeedPoint) -> dict[str, list[str]]:
    entry = seed_map()[point.heading]
    item = entry if not point.text else next(i for i in entry["points"] if i["seed"] == point.text)
    return item.get("keywords") or {}


def mapped_anchors(page: str) -> set[str]:
    entries = [e for e in seed_map().values() if e["page"] == page]
    return {a for e in entries for a in [e["anchor"], *(i["anchor"] for i in e["points"])]}


def section_text(lines: list[PageLine], anchor: str, language: str, anchors: set[str]) -> str:
    """What a reader of `language` reads from `anchor`'s block (its heading, or the paragraph an
    attribute line closes) up to the block of the next mapped anchor in that language."""

    def block_start(index: int) -> int:
        if lines[index].text.strip().startswith("{"):  # `{ #id }` on its own line closes a paragraph
            while index > 0 and lines[index - 1].text.strip() and lines[index - 1].language == language:
                index -= 1
        return index

    def anchors_on(line: PageLine) -> set[str]:
        if line.language != language:
            return set()
        return {a.removesuffix("-en") for a in ANCHOR.findall(line.text)}

    start = next((i for i, line in enumerate(lines) if anchor in anchors_on(line)), None)
    if start is None:
        return ""
    end = next(
        (block_start(i) for i in range(start + 1, len(lines)) if anchors_on(lines[i]) & (anchors - {anchor})),
        len(lines),
    )
    begin = block_start(start)
    return "\n".join(line.text for line in lines[begin:end] if line.language in (language, ""))


@pytest.mark.parametrize("point", seed_points(), ids=lambda p: (p.text or p.heading)[:40])
def test_every_point_of_the_notes_keeps_its_meaning_in_both_languages(point: SeedPoint) -> None:
    page, anchor = mapped(point)
    words = keywords(point)
    where = f"tests/content/seed-map/{seed_map()[point.heading]['file']}"
    for code, language in (("ko", "한국어"), ("en", "English")):
        wanted = words.get(code) or []
        assert len(wanted) >= 2, f"{where}: {anchor} needs 2+ `keywords: {code:}` that carry the point"
        lines = page_lines((DOCS / page).read_text(encoding="utf-8"))
        text = section_text(lines, anchor, language, mapped_anchors(page)).lower()
        missing = [w for w in wanted if w.lower() not in text]
        assert not missing, (
            f"docs/{page}: the {language} section of #{anchor}{'-en' if code == 'en' else ''} no longer "
            f"says {missing} (the key words of {point.text or point.heading!r} in {where})"
        )


def test_emptying_a_point_of_its_key_words_fails() -> None:
    page = "\n\n".join(
        [
            '=== "한국어"',
            "    ## 격리 { #a }",
            "    입력은 연결되지 않습니다.",
            "    ## 다음 { #b }",
            "    끝.",
        ]
    )
    lines = page_lines(page)
    assert "입력은 연결" in section_text(lines, "a", "한국어", {"a", "b"})
    assert "끝" not in section_text(lines, "a", "한국어", {"a", "b"})
    emptied = page_lines(page.replace("입력은 연결되지 않습니다.", "그렇습니다."))
    assert "입력" not in section_text(emptied, "a", "한국어", {"a", "b"})


def test_the_seed_map_names_only_points_that_exist() -> None:
    known = {(p.heading, p.text) for p in seed_points()}
    for heading, entry in seed_map().items():
        assert (heading, "") in known, f"{entry['file']}: heading {heading!r} is not in the notes"
        for item in entry["points"]:
            assert (heading, item["seed"]) in known, f"{entry['file']}: {item['seed']!r} is not in the notes"


def pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_every_page_has_both_languages_in_every_tab_set(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    unwrapped = unwrap_containers(source)
    lines = unwrapped.text.split("\n")
    sets: dict[int, list[tuple[str, int]]] = {}
    for line, _, label, set_id in unwrapped.tab_headers:
        sets.setdefault(set_id, []).append((label, line))
    where = path.relative_to(REPO)
    assert sets, f'{where}: no language tabs (=== "한국어" / === "English")'
    for tabs in sets.values():
        labels = tuple(label for label, _ in tabs)
        assert labels == LANGUAGES, f"{where}:{tabs[0][1]}: tabs {labels}, expected {LANGUAGES}"
        for index, (label, line) in enumerate(tabs):
            end = tabs[index + 1][1] - 1 if index + 1 < len(tabs) else len(lines)
            body = [
                text
                for text, containers in zip(lines[line:end], unwrapped.containers[line:end], strict=True)
                if f"tab:{label}" in containers
            ]
            text = " ".join(body).strip()
            assert len(text) > 20, f"{where}:{line}: the {label!r} tab is (nearly) empty"
            if label == "한국어":
                assert HANGUL.search(text), f"{where}:{line}: the 한국어 tab has no Korean text"
            else:
                hangul = len(HANGUL.findall(text))
                assert hangul <= len(text) * 0.05, f"{where}:{line}: the English tab is mostly Korean"


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_no_dockerfile_is_typed_into_a_page(path: Path) -> None:
    """Dockerfiles are included from real files that tests build, never pasted."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert not re.match(r"^\s*(FROM|WORKDIR|EXPOSE)\s+[a-z0-9/]", line), (
            f"{path.relative_to(REPO)}:{number}: Dockerfile line typed into the page; "
            "include it with {{ dockerfile(...) }} instead"
        )


def test_the_site_builds_strictly_and_every_anchor_renders(built_site: Path) -> None:
    for html in built_site.rglob("*.html"):
        text = re.sub(r"<(pre|code)\b.*?</\1>", "", html.read_text(encoding="utf-8"), flags=re.S)
        assert not re.search(r"(?<!\{)\{\s*[#:.][\w-][^{}]*\}(?!\})", text), (
            f"{html.relative_to(built_site)}: an attribute list was printed as text; put a "
            "paragraph's {{ #id }} on a line of its own"
        )
    for entry in seed_map().values():
        html = built_site / entry["page"].replace(".md", "") / "index.html"
        if entry["page"] == "index.md":
            html = built_site / "index.html"
        text = html.read_text(encoding="utf-8")
        for anchor in [entry["anchor"], *(item["anchor"] for item in entry["points"])]:
            for wanted in (anchor, f"{anchor}-en"):
                assert f'id="{wanted}"' in text, f"{entry['page']}: anchor {wanted!r} is not rendered"


LECTURES = sorted((DOCS / "lectures").glob("*.md"))
MAIN_PATH_MINUTES = 15  # a lecture's main path is one sitting (issue 8); folded boxes are extra


@pytest.mark.parametrize("lecture", LECTURES, ids=lambda p: p.stem)
def test_each_lecture_says_its_place_and_reads_in_one_sitting(built_site: Path, lecture: Path) -> None:
    html = (built_site / "lectures" / lecture.stem / "index.html").read_text(encoding="utf-8")
    metas = re.findall(r'<p class="lecture-meta">([^<]*)</p>', html)
    number, total = LECTURES.index(lecture) + 1, len(LECTURES)
    assert len(metas) == 2, f"{lecture.name}: expected one place-and-time line per language, got {metas}"
    korean, english = metas
    assert korean.startswith(f"강의 {number}/{total} · 읽는 데 약 "), korean
    assert english.startswith(f"Lecture {number} of {total} · "), english
    for line in metas:
        minutes = int(re.findall(r"(\d+)\s*(?:분|min)", line)[0])
        assert minutes <= MAIN_PATH_MINUTES, (
            f"docs/lectures/{lecture.name}: its main path takes {minutes} min to read ({line!r}); "
            f"fold optional parts into `???` boxes or split the page to stay within {MAIN_PATH_MINUTES}"
        )


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """The site's sources in a scratch folder, to break them on purpose."""
    for name in ("mkdocs.yml", "docs", "hooks", "overrides", "goals-app", "examples"):
        source = REPO / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules"))
        else:
            shutil.copy(source, target)
    shutil.copytree(REPO / ".cache" / "vendor", tmp_path / ".cache" / "vendor", dirs_exist_ok=True) if (
        REPO / ".cache" / "vendor"
    ).exists() else None
    return tmp_path


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ('{{ dockerfile("goals-app/Dockerfil") }}', "no file 'goals-app/Dockerfil'"),
        (
            '{{ dockerfile("goals-app/Dockerfile", show=["FROM", "ADD"]) }}',
            "has no instruction or line 'ADD'",
        ),
        ('{{ include_file("goals-app/server.js", section="nope") }}', "has no section 'nope'"),
    ],
)
def test_an_unknown_file_or_section_fails_the_build_naming_page_and_line(
    site_copy: Path, call: str, message: str
) -> None:
    page = site_copy / "docs" / "glossary.md"
    page.write_text("---\nrender_macros: true\n---\n\n# Broken\n\n" + call + "\n", encoding="utf-8")
    build = mkdocs_build(site_copy / "site", config_dir=site_copy)
    assert build.returncode != 0
    assert "docs/glossary.md:7" in build.stderr and message in build.stderr, build.stderr[-2000:]


def test_folded_boxes_and_the_other_language_are_not_on_the_main_path() -> None:
    sentence = "가나다라마바사아자차" * 40  # 400 syllables: one minute
    page = "\n".join(
        [
            '=== "한국어"',
            "",
            f"    {sentence}",
            "",
            '    ??? success "풀이"',
            "",
            *[f"        {sentence}" for _ in range(10)],
            "",
            '=== "English"',
            "",
            "    " + "word " * 2000,
        ]
    )
    assert reading_minutes(page_lines(page), "한국어") == 1
    assert reading_minutes(page_lines(page), "English") == 10


# -- Lectures 23 on: the course outline's syllabus, point by point -----------------------------
# tests/content/course-outline.md lists what each lecture teaches ("; "-separated points);
# tests/content/outline-map/lecture-NN.yml maps each point of a written lecture to its anchor and
# key words, like the seed map does for the notes of lectures 18-22.

OUTLINE_MAPS = CONTENT / "outline-map"


@cache
def outline_rows() -> dict[int, list[str]]:
    rows = {}
    for line in (CONTENT / "course-outline.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit():
            rows[int(cells[0])] = [point.strip() for point in cells[2].split("; ")]
    return rows


def outline_lectures() -> list[Path]:
    return [p for p in sorted((DOCS / "lectures").glob("*.md")) if int(p.name.split("-")[0]) >= 23]


@pytest.mark.parametrize("lecture", outline_lectures(), ids=lambda p: p.stem)
def test_each_lecture_from_23_teaches_every_point_of_its_outline_row(lecture: Path) -> None:
    number = int(lecture.name.split("-")[0])
    map_file = OUTLINE_MAPS / f"lecture-{number}.yml"
    assert map_file.exists(), f"{lecture.relative_to(REPO)} has no outline map {map_file.relative_to(REPO)}"
    entry = yaml.safe_load(map_file.read_text(encoding="utf-8"))
    where = map_file.relative_to(REPO)
    page = f"lectures/{lecture.name}"
    assert entry["page"] == page and entry["lecture"] == number, f"{where}: page/lecture do not name {page}"
    listed = [item["outline"] for item in entry["points"]]
    assert listed == outline_rows()[number], (
        f"{where}: the points must be the outline row's, verbatim and in order:\n"
        + "\n".join(f"  - {p}" for p in outline_rows()[number])
    )
    lines = page_lines(lecture.read_text(encoding="utf-8"))
    anchors = {entry["anchor"], *(item["anchor"] for item in entry["points"])}
    for item in [entry, *entry["points"]]:
        for code, language in (("ko", "한국어"), ("en", "English")):
            words = (item.get("keywords") or {}).get(code) or []
            label = item.get("outline", "the lecture")
            assert len(words) >= 2, f"{where}: {item['anchor']} needs 2+ `keywords: {code}:` for {label!r}"
            anchor = item["anchor"] + "-en" * (code == "en")
            text = section_text(lines, item["anchor"], language, anchors).lower()
            assert text, f"docs/{page}: no {{ #{anchor} }} in the {language} tab"
            missing = [w for w in words if w.lower() not in text]
            assert not missing, (
                f"docs/{page}: the {language} section of #{anchor} "
                f"no longer says {missing} (outline point {label!r}, {where})"
            )


def test_the_outline_has_every_lecture_of_the_module() -> None:
    assert sorted(outline_rows()) == list(range(18, 42))


# -- Checks for understanding: every lecture ends with them (the house style's conventions) -----

BOX = re.compile(r"^\s*(!!!|\?\?\?\+?)\s+(abstract|question|example|success)\b")


@pytest.mark.parametrize("lecture", LECTURES, ids=lambda p: p.stem)
def test_each_lecture_has_a_recap_questions_and_from_20_on_an_executed_exercise(lecture: Path) -> None:
    source = lecture.read_text(encoding="utf-8")
    unwrapped = unwrap_containers(source)
    raw = source.split("\n")
    where = lecture.relative_to(REPO)
    for language in LANGUAGES:
        boxes = [
            (kind, number)
            for number, (line, containers) in enumerate(zip(raw, unwrapped.containers, strict=True), 1)
            if (match := BOX.match(line)) and f"tab:{language}" in containers
            for kind in [match.group(2)]
        ]
        kinds = [kind for kind, _ in boxes]
        assert "abstract" in kinds, f'{where}: no recap (!!! abstract "…") in the {language} tab'
        assert kinds.count("question") >= 2, f"{where}: under 2 folded questions (??? question) in {language}"
        if int(lecture.name.split("-")[0]) < 20:
            continue
        solutions = [
            text
            for text, containers in zip(unwrapped.text.split("\n"), unwrapped.containers, strict=True)
            if f"tab:{language}" in containers
            and any(c.startswith("admonition:example") for c in containers)
            and any(c.startswith("folded:success") for c in containers)
        ]
        assert any(text.lstrip().startswith("$ ") for text in solutions), (
            f"{where}: no predict-then-run exercise in {language}: an !!! example box whose folded "
            "??? success solution holds the commands (a console block the doc tests run)"
        )
