"""The house style, enforced: the terminology table and no maintainer meta-text for learners.

docs/maintainers/terminology.yml is the table the style page shows; every Korean learner page
is checked against it (a violation names page:line and the form to write). Learner pages also
must not talk about how the course is tested (CI, stand-in images, docstest) or about lecture
notes the learner never saw. Maintainers' pages (mkdocs.yml's extra.maintainers, off the nav) may.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.config import load_config

from hooks.prose import page_lines
from hooks.terminology import Rule, load_rules, violations

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
MAINTAINERS = ("authoring.md", "maintainers/")
# Words about the course's machinery or the notes behind it: for maintainers, not learners.
META_TEXT = re.compile(
    r"\bCI\b|\bstand-?ins?\b|docstest|스탠드인|대체 이미지|노트에는|노트의|노트에서|노트와|강의 노트|"
    r"\bthe (?:lecture )?notes\b|\bnotes say\b|이 페이지를 쓴",
    re.IGNORECASE,
)


def is_learner_page(page: str) -> bool:
    return not page.startswith(MAINTAINERS)


def learner_pages() -> list[str]:
    pages = (p.relative_to(DOCS).as_posix() for p in sorted(DOCS.rglob("*.md")))
    return [page for page in pages if is_learner_page(page)]


def test_the_maintainers_pages_are_what_the_checks_leave_out() -> None:
    config = load_config(str(REPO / "mkdocs.yml"))
    listed = set(config.extra["maintainers"]["pages"])
    assert listed, "mkdocs.yml lists no maintainers' pages (extra.maintainers)"
    for page in listed:
        assert not is_learner_page(page), f"{page} is a maintainers' page but checked as a learner's"


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    return load_rules()


@pytest.mark.parametrize("page", learner_pages())
def test_korean_prose_follows_the_terminology_table(page: str, rules: list[Rule]) -> None:
    found = violations(page, page_lines((DOCS / page).read_text(encoding="utf-8")), rules)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("page", learner_pages())
def test_learner_prose_has_no_maintainer_meta_text(page: str) -> None:
    found = [
        f"docs/{page}:{line.number}: {match.group(0)!r} in {line.language or 'shared'} prose: "
        "learners never saw the notes nor the test machinery; say it as the course's own teaching "
        "(the house style's corrections section), or move it to a maintainers' page"
        for line in page_lines((DOCS / page).read_text(encoding="utf-8"))
        for match in META_TEXT.finditer(line.prose)
    ]
    assert not found, "\n".join(found)


# The checks themselves: a banned form added to a page fails, where it is prose, and only there.
PAGE = """\
# 1. 제목 · Title

=== "한국어"

    Docker는 컨테이너를 실행합니다. `도커` 코드 안은 괜찮습니다.
    { #p }

=== "English"

    Docker runs containers; 도커 in the English tab is not Korean prose.

```console
$ echo 도커
도커
```
"""


def test_a_banned_form_in_korean_prose_fails_naming_page_line_and_preferred_form(rules: list[Rule]) -> None:
    assert violations("x.md", page_lines(PAGE), rules) == []
    broken = PAGE.replace("Docker는 컨테이너를", "도커는 컨테이너를")
    found = violations("x.md", page_lines(broken), rules)
    assert [(v.line, v.found, v.rule.use) for v in found] == [(5, "도커", "Docker")]
    assert str(found[0]).startswith("docs/x.md:5: '도커' in Korean prose; write 'Docker' instead")


def test_every_rule_of_the_table_catches_its_own_avoided_forms(rules: list[Rule]) -> None:
    for rule in rules:
        for example in rule.examples:
            page = PAGE.replace("Docker는 컨테이너를 실행합니다.", example)
            found = violations("x.md", page_lines(page), rules)
            assert any(v.rule is rule for v in found), f"rule {rule.use!r} misses its example {example!r}"


def test_the_meta_text_check_catches_a_note_about_ci() -> None:
    lines = page_lines(PAGE.replace("Docker runs containers;", "In CI a stand-in image runs;"))
    assert [m.group(0) for line in lines for m in META_TEXT.finditer(line.prose)] == ["CI", "stand-in"]
