"""The site's search as a learner uses it: Material's search box in Debian's Chromium.

Learners type Korean with particles and endings (격리된, 레이어는), the standard or the course's
spelling (인터랙티브 / 인터렉티브), English with inflections (isolation, containers): the queries
in tests/content/search-queries.yml must put their page first or in the top 3, over the
learners' pages, for at least 95 % of them (the misses are printed). Results follow the
reader's language, and no maintainer page, tab label or diagram source is in the index.
The words themselves: tests/test_search_tokenizer.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from playwright.sync_api import TimeoutError as PlaywrightTimeout

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page  # the `browser` fixture: tests/conftest.py

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "tests" / "content" / "search-queries.yml"
# Issue 9's bar. Measured 96.1 % (99 of 103, lectures 18-41) once a query word counts in full and the longer
# words it begins only a little, and question words not at all (lunr.ko.min.js); it was 91.3 % before.
RECALL = 0.95
MAINTAINER_PAGES = ("authoring/", "maintainers/")
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Query:
    language: str  # "ko" | "en": the reader's language while typing it
    text: str
    page: str  # the page's URL in the site: "lectures/20-external-images/", "" for home
    top: int  # 1: must rank first; 3: in the first three pages
    line: int  # in search-queries.yml


def load_queries(path: Path = QUERIES) -> list[Query]:
    """search-queries.yml: `ko:` and `en:` lists of {query, page, top}, read with line numbers."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    lines = text.splitlines()
    found: list[Query] = []
    for language in ("ko", "en"):
        for item in data[language]:
            query, page, top = item["query"], item["page"], item.get("top", 3)
            line = next((n for n, row in enumerate(lines, 1) if f"query: {query}" in row), 0)
            if top not in (1, 3):
                raise ValueError(f"{path}:{line}: top must be 1 or 3, not {top!r}")
            found.append(Query(language, str(query), str(page), int(top), line))
    return found


@pytest.fixture(scope="module")
def index(built_site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (built_site / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="module")
def search_page(browser: Browser, site_url: str) -> Iterator[Page]:
    """The home page with the search box open and its worker ready."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    try:
        yield page
    finally:
        context.close()


def set_language(page: Page, code: str) -> None:
    """What the language switch does, by its contract: <html lang> and a "course:language" event."""
    page.evaluate(
        "code => { if (document.documentElement.lang !== code) {"
        " document.documentElement.lang = code;"
        " document.dispatchEvent(new CustomEvent('course:language', { detail: code })); } }",
        code,
    )


# The reader's cursor in the search box, and what a failure to get there reports
FOCUSED_IN_SEARCH = "() => !!document.activeElement && document.activeElement.matches('.md-search__input')"
# What a failure reports: where the focus is, the search toggle, the screen and the page's state
SEARCH_STATE = """() => ({
  focus: document.activeElement && document.activeElement.outerHTML.slice(0, 80),
  toggle: document.getElementById("__search").checked,
  screen: [innerWidth, innerHeight], ready: document.readyState, url: location.href,
})"""

# Material reads the query on keyup (Playwright's fill() sends none); results come from a web
# worker. An empty query first, so the next one is new to Material, then wait for its answer.
_SETTLED = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  const items = document.querySelectorAll('.md-search-result__item');
  return items.length > 0 || (meta && /No matching|일치하는 문서가 없습니다/.test(meta.textContent));
}"""


def results(page: Page, query: str) -> list[dict[str, str]]:
    """The results of `query` in order: each page's path, title and all its text."""
    box = page.locator(".md-search__input")
    box.fill("")
    box.press("End")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")
    box.fill(query)
    box.press("End")
    try:
        page.wait_for_function(_SETTLED, timeout=15_000)
    except Exception:  # playwright's TimeoutError: no answer at all
        return []
    found: list[dict[str, str]] = page.evaluate(
        """() => [...document.querySelectorAll('.md-search-result__item')].map(li => {
             const a = li.querySelector('a');
             const url = new URL(a.href);
             return { path: url.pathname, href: url.pathname + url.hash,
                      title: li.querySelector('h1').innerText, text: li.innerText };
           })"""
    )
    return found


def rank(found: list[dict[str, str]], page: str, base_path: str) -> int | None:
    paths = [item["path"] for item in found]
    target = base_path + page
    return paths.index(target) + 1 if target in paths else None


def base_path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _plain(title: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", title)).strip().lower()


def test_the_queries_are_a_learners(index: dict[str, Any]) -> None:
    queries = load_queries()
    per_language = {code: [q for q in queries if q.language == code] for code in ("ko", "en")}
    assert len(per_language["ko"]) >= 40 and len(per_language["en"]) >= 20, {
        k: len(v) for k, v in per_language.items()
    }
    pages = {str(doc["location"]).split("#")[0] for doc in index["docs"]}
    unknown = [f"{QUERIES}:{q.line}: {q.page!r}" for q in queries if q.page not in pages]
    assert not unknown, "queries name pages the index does not have:\n" + "\n".join(unknown)
    headings = {_plain(doc["title"]) for doc in index["docs"]}
    copied = [f"{QUERIES}:{q.line}: {q.text!r}" for q in queries if _plain(q.text) in headings]
    assert not copied, "a learner does not type a heading word for word:\n" + "\n".join(copied)


def test_learner_queries_find_their_page(search_page: Page, site_url: str) -> None:
    base = base_path(site_url)
    misses: list[str] = []
    queries = load_queries()
    for query in queries:
        set_language(search_page, query.language)
        found = results(search_page, query.text)
        place = rank(found, query.page, base)
        if place is None or place > query.top:
            top = ", ".join(item["path"].removeprefix(base) or "home" for item in found[:3])
            misses.append(
                f"{QUERIES.name}:{query.line}: {query.text!r} ({query.language}) → {query.page or 'home'} "
                f"ranks {place or 'nowhere'}, wanted top {query.top}; first: {top}"
            )
    recall = 1 - len(misses) / len(queries)
    print(f"\nsearch recall {recall:.1%} ({len(queries) - len(misses)}/{len(queries)})")
    print("\n".join(misses))
    assert recall >= RECALL, f"recall {recall:.1%} < {RECALL:.0%}; misses:\n" + "\n".join(misses)


def test_the_index_holds_learner_pages_only(index: dict[str, Any]) -> None:
    docs = index["docs"]
    locations = [str(doc["location"]) for doc in docs]
    assert not [loc for loc in locations if loc.startswith(MAINTAINER_PAGES)], "maintainer pages are indexed"
    texts = " ".join(f"{doc['title']} {doc['text']}" for doc in docs)
    assert "한국어English" not in texts, "the language tab labels are indexed"
    assert "flowchart" not in texts and "accTitle" not in texts, "diagram source is indexed"
    lectures = " ".join(doc["text"] for doc in docs if str(doc["location"]).startswith("lectures/"))
    assert "읽는 데 약" not in lectures and "min read" not in lectures, (
        "the lecture's place-and-time line is indexed"
    )
    untagged = [loc for loc, doc in zip(locations, docs, strict=True) if doc.get("lang") not in ("ko", "en")]
    assert not untagged, f"entries without a language: {untagged[:5]}"
    english = [doc for doc in docs if doc["lang"] == "en"]
    hangul = [doc["location"] for doc in english if HANGUL.search(doc["title"] + doc["text"])]
    assert len(hangul) <= len(english) // 20, f"English entries with Korean text: {hangul}"


def test_each_page_is_titled_in_each_language(index: dict[str, Any]) -> None:
    tops = [doc for doc in index["docs"] if "#" not in doc["location"]]
    by_page: dict[str, dict[str, str]] = {}
    for doc in tops:
        by_page.setdefault(doc["location"], {})[doc["lang"]] = doc["title"]
    assert all(set(titles) == {"ko", "en"} for titles in by_page.values()), by_page
    for location, titles in by_page.items():
        assert HANGUL.search(titles["ko"]), (location, titles)
        assert not HANGUL.search(titles["en"]), (location, titles)


@pytest.mark.parametrize(
    ("query", "language"), [("포트", "ko"), ("작업 디렉터리", "ko"), ("interactive", "en")]
)
def test_no_maintainer_page_or_tab_label_in_results(search_page: Page, query: str, language: str) -> None:
    set_language(search_page, language)
    found = results(search_page, query)
    assert found, f"{query!r} found nothing"
    assert not [item["href"] for item in found if any(name in item["href"] for name in MAINTAINER_PAGES)]
    assert not [item["title"] for item in found if "한국어English" in item["text"]]


def test_results_follow_the_readers_language(search_page: Page, index: dict[str, Any], site_url: str) -> None:
    english_anchors = {
        doc["location"].split("#")[1]
        for doc in index["docs"]
        if doc["lang"] == "en" and "#" in doc["location"]
    }
    set_language(search_page, "ko")
    korean = results(search_page, "컨테이너 container")
    assert korean and all(HANGUL.search(item["title"]) for item in korean), [i["title"] for i in korean]
    hrefs = search_page.eval_on_selector_all(
        ".md-search-result__item a", "els => els.map(a => new URL(a.href).hash.slice(1))"
    )
    assert not [h for h in hrefs if h in english_anchors], "an English section among Korean results"
    # Switching the language while results are open switches them too.
    set_language(search_page, "en")
    search_page.wait_for_function(
        "() => [...document.querySelectorAll('.md-search-result__item h1')]"
        ".every(h => !/[\\uac00-\\ud7a3]/.test(h.textContent))"
    )
    english = [item["text"] for item in results(search_page, "container")]
    assert english and not [text for text in english if HANGUL.search(text)], english[:3]


@pytest.mark.parametrize(
    ("query", "expected", "language"),
    [
        ("격리", "20-external-images", "ko"),
        ("isolated", "20-external-images", "en"),
        ("블루프린트", "19-images-and-containers", "ko"),
        ("읽기 전용", "25-images-read-only", "ko"),
        ("캐시", "26-image-layers", "ko"),
        ("detached", "30-attached-detached", "en"),
        ("EOFError", "31-interactive-mode", "en"),
    ],
)
def test_search_finds_korean_and_english_words(
    search_page: Page, query: str, expected: str, language: str
) -> None:
    set_language(search_page, language)
    found = results(search_page, query)
    assert any(expected in item["path"] for item in found), f"{query!r}: {[item['path'] for item in found]}"


@pytest.mark.parametrize("reach", ["click", "slash key", "phone toggle"])
def test_the_index_loads_only_when_the_reader_reaches_for_search(
    page: Page, site_url: str, reach: str
) -> None:
    """The index (the largest file of a first load) is not fetched with the page, and search
    still answers the first query after a click, the "/" key or the phone's search button."""
    index_requests: list[str] = []
    page.on(
        "request",
        lambda request: index_requests.append(request.url) if "search_index" in request.url else None,
    )
    if reach == "phone toggle":
        page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site_url + "lectures/22-dockerfile/", wait_until="load")
    page.wait_for_timeout(1500)  # time enough for an eager request to show
    assert not index_requests, f"the search index was fetched with the page: {index_requests}"
    if reach == "click":
        page.locator(".md-search__input").click()
    elif reach == "slash key":
        page.keyboard.press("/")
    else:
        page.locator("label.md-header__button[for='__search']").click()
    try:  # what the reader sees next: the cursor in the search box
        page.wait_for_function(FOCUSED_IN_SEARCH, timeout=10_000)
    except PlaywrightTimeout:
        pytest.fail(f"after the {reach} the search box has no focus: {page.evaluate(SEARCH_STATE)}")
    found = results(page, "격리")
    assert len(index_requests) == 1, index_requests
    assert any("20-external-images" in item["path"] for item in found), [item["path"] for item in found]
