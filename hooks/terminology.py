"""The course's terminology table (docs/maintainers/terminology.yml) and its check.

One file is the single source: the house style page renders it (the `terminology_table`
macro) and tests/test_style.py checks every Korean learner page against it, so a rule that
is written down is also enforced, and a violation names page:line and the preferred form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from hooks.prose import PageLine

TABLE = Path(__file__).resolve().parent.parent / "docs" / "maintainers" / "terminology.yml"


@dataclass(frozen=True)
class Rule:
    use: str
    avoid: tuple[str, ...]
    pattern: re.Pattern[str]
    allow_in: tuple[str, ...]  # docs-relative pages where the avoided forms are fine
    why: dict[str, str]  # language code ("ko", "en") -> reason
    examples: tuple[str, ...]  # sentences the rule must catch (default: its avoided forms)


@dataclass(frozen=True)
class Violation:
    page: str  # docs-relative
    line: int
    found: str
    rule: Rule

    def __str__(self) -> str:
        return (
            f"docs/{self.page}:{self.line}: {self.found!r} in Korean prose; "
            f"write {self.rule.use!r} instead ({self.rule.why.get('ko', '')})"
        )


def load_rules(path: Path = TABLE) -> list[Rule]:
    """The rules, validated: a malformed entry fails naming the file and the entry."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of rules")
    rules = []
    for number, entry in enumerate(entries, 1):
        where = f"{path.name}: rule {number}"
        if not isinstance(entry, dict) or not entry.get("use") or not entry.get("avoid"):
            raise ValueError(f"{where}: every rule needs `use` and a non-empty `avoid` list")
        unknown = set(entry) - {"use", "avoid", "pattern", "allow_in", "why", "examples"}
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        avoid = tuple(str(form) for form in entry["avoid"])
        source = entry.get("pattern") or "|".join(re.escape(form) for form in avoid)
        try:
            pattern = re.compile(source)
        except re.error as error:
            raise ValueError(f"{where}: pattern {source!r} is not a valid regex: {error}") from None
        why = entry.get("why") or {}
        examples = tuple(str(e) for e in entry.get("examples") or avoid)
        allow_in = tuple(entry.get("allow_in") or ())
        rules.append(Rule(str(entry["use"]), avoid, pattern, allow_in, why, examples))
    return rules


def violations(page: str, lines: list[PageLine], rules: list[Rule]) -> list[Violation]:
    """Avoided forms in the Korean prose of one page (code and the English tab are not prose)."""
    found = []
    for line in lines:
        if line.language != "한국어":
            continue
        prose = line.prose
        for rule in rules:
            if page in rule.allow_in:
                continue
            found += [Violation(page, line.number, m.group(0), rule) for m in rule.pattern.finditer(prose)]
    return found


def table_markdown(rules: list[Rule], language: str) -> str:
    """The table as the style page shows it, in one language ("ko" or "en")."""
    head = ("쓰는 말", "쓰지 않는 말", "까닭") if language == "ko" else ("Write", "Not", "Why")
    rows = [f"| {head[0]} | {head[1]} | {head[2]} |", "|---|---|---|"]
    for rule in rules:
        avoid = " · ".join(rule.avoid)
        rows.append(f"| {rule.use} | {avoid} | {rule.why.get(language, '')} |")
    return "\n".join(rows)
