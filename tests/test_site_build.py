"""The site as it is deployed: the learner's path, the maintainers' pages, per-page descriptions,
edit links, a 404 page that works under a sub-path, the Pages workflow, and a build that fails
on what MkDocs would let through (malformed front matter, a missing anchor, a page left out).

One strict build, made as the Pages workflow makes it (SITE_URL under a sub-path, REPO_URL,
EDIT_URI), serves most tests; the failure tests build broken scratch copies of the sources.
"""

from __future__ import annotations

import functools
import html
import http.server
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from hooks.front_matter import check
from hooks.sitebuild import mkdocs_build
from hooks.titles import front_matter

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
SUB_PATH = "/docker-course/"  # a GitHub project page: https://<owner>.github.io/docker-course/
SITE_URL = "https://example.github.io" + SUB_PATH
REPO_URL = "https://github.com/example/docker-course"
EDIT_URI = "edit/main/docs/"
MAINTAINER_PAGES = ("authoring.md", "maintainers/style.md", "maintainers/benchmarks.md")


def pages() -> list[str]:
    return sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))


def built_html(site: Path, page: str) -> str:
    """The built HTML of docs/`page` (directory URLs: lectures/x.md → lectures/x/index.html)."""
    stem = page.removesuffix(".md")
    path = site / "index.html" if stem == "index" else site / stem / "index.html"
    return path.read_text(encoding="utf-8")


class Links(HTMLParser):
    """Every href/src of a document, and the <a> elements' classes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.anchors: list[tuple[str, str]] = []  # (href, class)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "a" and values.get("href"):
            self.anchors.append((str(values["href"]), values.get("class") or ""))


def links(document: str) -> Links:
    parser = Links()
    parser.feed(document)
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built as .github/workflows/pages.yml builds it."""
    folder = tmp_path_factory.mktemp("deployed") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITE_URL", SITE_URL)
        patch.setenv("REPO_URL", REPO_URL)
        patch.setenv("EDIT_URI", EDIT_URI)
        build = mkdocs_build(folder)
    assert build.returncode == 0, build.stderr[-3000:]
    return folder


# -- the learner's path -------------------------------------------------------------------------


def test_home_starts_with_lecture_18_in_both_languages(site: Path) -> None:
    home = built_html(site, "index.md")
    buttons = [href for href, cls in links(home).anchors if "md-button--primary" in cls]
    assert buttons == ["lectures/18-module-intro/", "lectures/18-module-intro/"], buttons
    for text in ("18강부터 시작하기", "Start with lecture 18", "docker --version"):
        assert text in home, text


def lecture_meta(document: str) -> list[str]:
    return [html.unescape(line) for line in re.findall(r'class="lecture-meta">([^<]*)<', document)]


def test_home_lists_every_lecture_with_the_place_and_time_the_lecture_shows(site: Path) -> None:
    """The home page's numbers come from hooks/reading_time.py, never typed: each line equals the
    line the lecture itself opens with, in each language."""
    home = built_html(site, "index.md")
    listed: dict[str, list[str]] = {}
    for href, meta in re.findall(r'<li><a href="(lectures/[^"]+/)">[^<]*</a> · ([^<\n]+)', home):
        listed.setdefault(href, []).append(html.unescape(meta).strip())
    lectures = sorted(page for page in pages() if page.startswith("lectures/"))
    assert sorted(listed) == [page.removesuffix(".md") + "/" for page in lectures]
    for page in lectures:
        own = lecture_meta(built_html(site, page))
        assert len(own) == 2, (page, own)  # "강의 n/N · 읽는 데 약 X분", "Lecture n of N · X min read"
        assert listed[page.removesuffix(".md") + "/"] == own, page


def primary_nav(document: str) -> str:
    match = re.search(
        r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', document, re.S
    )
    assert match, "no primary nav"
    return match.group(0)


@pytest.mark.parametrize("page", [page for page in pages() if page not in MAINTAINER_PAGES])
def test_learner_pages_lead_to_learner_pages_and_link_the_maintainers_from_the_footer(
    site: Path, page: str
) -> None:
    document = built_html(site, page)
    maintainer_urls = tuple(path.removesuffix(".md") + "/" for path in MAINTAINER_PAGES)
    nav = links(primary_nav(document)).urls
    assert not [url for url in nav if url.rstrip("/").endswith(tuple(u.rstrip("/") for u in maintainer_urls))]
    footer = [href for href, cls in links(document).anchors if "md-footer__link" in cls]
    assert not [
        href for href in footer if any(href.rstrip("/").endswith(u.rstrip("/")) for u in maintainer_urls)
    ]
    way_in = re.search(r'<nav class="course-maintainers".*?<a href="([^"]+)"', document, re.S)
    assert way_in and way_in.group(1).rstrip("/").endswith("authoring"), page
    assert "For maintainers" in document and "유지보수 안내" in document


def test_the_maintainers_pages_are_built_and_list_each_other(site: Path) -> None:
    for page in MAINTAINER_PAGES:
        document = built_html(site, page)
        footer = re.search(r'<nav class="course-maintainers".*?</nav>', document, re.S)
        assert footer, page
        assert len(links(footer.group(0)).urls) == 1 + len(MAINTAINER_PAGES), page
        assert 'aria-current="page"' in footer.group(0), page


def test_readme_links_the_maintainers_pages() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for page in MAINTAINER_PAGES:
        assert f"(docs/{page})" in readme, page


# -- the 404 page ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served_under_sub_path(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site served at http://127.0.0.1:<port>/docker-course/, as GitHub project pages serve it."""
    root = tmp_path_factory.mktemp("pages-root")
    (root / SUB_PATH.strip("/")).symlink_to(site, target_is_directory=True)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[method-assign,assignment]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def test_the_404_page_helps_and_its_links_work_under_a_sub_path(
    site: Path, served_under_sub_path: str
) -> None:
    """GitHub Pages answers any missing address with 404.html, so its links must hold from any
    depth: built with SITE_URL's path they start with /docker-course/."""
    document = (site / "404.html").read_text(encoding="utf-8")
    for text in ("페이지를 찾을 수 없습니다", "Page not found", 'for="__search"', "<kbd>/</kbd>"):
        assert text in document, text
    missing = served_under_sub_path + SUB_PATH + "no/such/page/"
    targets = {
        urllib.parse.urljoin(missing, url).split("#")[0]
        for url in links(document).urls
        if not re.match(r"^(https?:|mailto:|data:|#)", url)
    }
    wanted = {served_under_sub_path + SUB_PATH + path for path in ("lectures/18-module-intro/", "glossary/")}
    assert wanted <= targets, sorted(targets)
    assert served_under_sub_path + SUB_PATH in {target.removesuffix(".") for target in targets}  # home
    broken = []
    for target in sorted(targets):
        try:
            with urllib.request.urlopen(target, timeout=10) as answer:
                assert answer.status == 200 and answer.read()
        except urllib.error.HTTPError as error:
            broken.append(f"{target}: {error.code}")
    assert not broken, broken


# -- deployment metadata --------------------------------------------------------------------------


@pytest.mark.parametrize("page", pages())
def test_every_page_describes_itself_in_both_languages(page: str) -> None:
    meta = front_matter(DOCS / page)
    for key in ("description", "description_en"):
        assert isinstance(meta.get(key), str) and len(meta[key]) >= 30, f"docs/{page}: no `{key}:` sentence"
    assert not re.search(r"[\uac00-\ud7a3]", meta["description_en"].replace("합니다체", "")), page


def test_each_page_has_its_own_meta_description(site: Path) -> None:
    found = {}
    for page in pages():
        match = re.search(r'<meta name="description" content="([^"]*)"', built_html(site, page))
        assert match, page
        found[page] = html.unescape(match.group(1))
        assert found[page] == front_matter(DOCS / page)["description"], page
    assert len(set(found.values())) == len(found), "two pages share a description"


def test_canonical_urls_and_edit_links_come_from_the_configuration(site: Path) -> None:
    for page in ("index.md", "lectures/22-dockerfile.md", "authoring.md"):
        document = built_html(site, page)
        url = SITE_URL + ("" if page == "index.md" else page.removesuffix(".md") + "/")
        assert f'<link rel="canonical" href="{url}">' in document, page
        assert f'href="{REPO_URL}/{EDIT_URI}{page}"' in document, page
    assert SITE_URL + "lectures/18-module-intro/" in (site / "sitemap.xml").read_text(encoding="utf-8")


# -- the Pages workflow ---------------------------------------------------------------------------


def test_the_pages_workflow_builds_strictly_and_deploys() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = build["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    for action in ("actions/checkout", "actions/setup-python", "actions/configure-pages"):
        assert action in uses, action
    assert uses[-1] == "actions/upload-pages-artifact" and steps[-1]["with"]["path"] == "site"
    runs = [step.get("run", "") for step in steps]
    assert "make setup" in runs  # the hash-checked lock, as everywhere else
    builds = [step for step in steps if "mkdocs build" in step.get("run", "")]
    assert len(builds) == 1 and "--strict" in builds[0]["run"].split()
    # what mkdocs.yml reads from the environment is what the workflow sets
    read = set(re.findall(r"!ENV \[(\w+)", (REPO / "mkdocs.yml").read_text(encoding="utf-8")))
    assert {"SITE_URL", "REPO_URL", "EDIT_URI"} <= read & set(builds[0]["env"])
    assert builds[0]["env"]["SITE_URL"].endswith("/")
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


# -- what fails the build -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("title: 이미지: 블루프린트\n", 2, "front matter is not valid YAML"),
        (
            "render_macros: true\ndescripton: 용어\n",
            3,
            "unknown front matter key `descripton:`; did you mean `description:`",
        ),
        ("render_macros: yes please\n", 2, "`render_macros:` must be true or false"),
        (
            "docstest:\n  unpakc: [a.zip]\n",
            3,
            "unknown `docstest:` setting `unpakc:`; did you mean `unpack:`",
        ),
        ("hide: [navigaton]\n", 2, "`hide:` must be a list of"),
        ("title: a\ntitle: b\n", 3, "`title:` is set twice"),
        ("- title\n", 2, "must be `key: value` lines"),
    ],
)
def test_the_front_matter_check_names_the_line_and_the_fix(front: str, line: int, message: str) -> None:
    problems = check(f"---\n{front}---\n\n# Page\n", "docs/page.md")
    assert [str(problem).split(": ", 1)[0] for problem in problems] == [f"docs/page.md:{line}"]
    assert message in problems[0].message


def test_what_mkdocs_would_swallow_silently_is_named() -> None:
    assert "never closed" in str(check("---\ntitle: a\n\n# Page\n", "docs/page.md")[0])
    assert "first line as metadata" in str(check("Note: read me\n\n# Page\n", "docs/page.md")[0])
    assert check("# Page\n\nNote: fine here\n", "docs/page.md") == []


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """The site's sources in a scratch folder, to break on purpose."""
    for name in ("mkdocs.yml", "docs", "hooks", "overrides", "goals-app", "examples", ".cache/vendor"):
        source, target = REPO / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
        elif source.exists():
            shutil.copy(source, target)
    return tmp_path


def insert_front_matter_line(page: Path, line: str) -> None:
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    page.write_text("---\n" + line + "\n" + text[4:], encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "description_ko: 이미지: 컨테이너의 블루프린트",
            "docs/glossary.md:2: front matter is not valid YAML",
        ),
        (
            "serach: {exclude: true}",
            "docs/glossary.md:2: unknown front matter key `serach:`; did you mean `search:`",
        ),
    ],
)
def test_bad_front_matter_fails_the_build_naming_page_and_line(
    sources: Path, line: str, message: str
) -> None:
    insert_front_matter_line(sources / "docs" / "glossary.md", line)
    build = mkdocs_build(sources / "site", config_dir=sources)
    assert build.returncode != 0
    assert message in build.stderr, build.stderr[-2000:]


def test_a_link_to_a_missing_anchor_fails_the_strict_build(sources: Path) -> None:
    page = sources / "docs" / "lectures" / "19-images-and-containers.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n[broken](../glossary.md#term-no-such-term)\n", encoding="utf-8"
    )
    build = mkdocs_build(sources / "site", config_dir=sources)
    assert build.returncode != 0
    assert "lectures/19-images-and-containers.md" in build.stderr and "#term-no-such-term" in build.stderr, (
        build.stderr[-2000:]
    )


def test_a_page_left_out_of_the_nav_fails_the_strict_build(sources: Path) -> None:
    (sources / "docs" / "lectures" / "99-forgotten.md").write_text(
        "---\ntitle: 잊힌 강의\ntitle_en: A forgotten lecture\n---\n\n# 잊힌 강의\n", encoding="utf-8"
    )
    build = mkdocs_build(sources / "site", config_dir=sources)
    assert build.returncode != 0
    assert "lectures/99-forgotten.md" in build.stderr, build.stderr[-2000:]
