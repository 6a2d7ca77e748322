"""The course folders as zip downloads (hooks/downloads.py) and the `download_link()` macro.

One site build, of a scratch copy that is a git checkout of the repository's tracked
goals-app/ and examples/ files plus one untracked file (which must stay out of the zips),
with a page at each depth that calls the macros. The walk used outside git checkouts and
executable modes are checked on a small tree of their own, without MkDocs.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from hooks import downloads, macros
from tests.helpers import mkdocs_build

REPO = Path(__file__).resolve().parent.parent
MACRO_PAGE = """---
render_macros: true
title: "내려받기"
title_en: "Downloads"
description: "내려받기 링크를 시험하는 페이지"
description_en: "A page that tries the download links"
---

{{ download_link("goals-app") }} · {{ download_link("copy-relative") }} · <{{ downloads_url }}>
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def tracked(folder: str) -> list[str]:
    """What learners download of `folder`: its tracked files, maintainers' examples left out."""
    files = git(REPO, "ls-files", "--", folder).splitlines()
    return sorted(f for f in files if not f.startswith(tuple(f"{m}/" for m in downloads.MAINTAINERS_ONLY)))


def example_names() -> list[str]:
    return sorted({Path(path).parts[1] for path in tracked("examples") if len(Path(path).parts) > 2})


def test_maintainers_examples_stay_out_of_the_learners_downloads(site: Path) -> None:
    assert "authoring" not in example_names() and not (site / "downloads" / "authoring.zip").exists()
    assert not [name for name in entries(built(site, "examples")) if name.startswith("examples/authoring/")]


def entries(data: bytes) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: info for info in archive.infolist()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("downloads")
    for name in ("mkdocs.yml", "docs", "hooks", "overrides", ".cache/vendor"):
        source, target = REPO / name, scratch / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, target)
    for path in tracked("goals-app") + tracked("examples"):
        (scratch / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / path, scratch / path, follow_symlinks=False)
    (scratch / "goals-app" / "notes-not-in-git.txt").write_text("untracked\n")
    git(scratch, "init", "-q")
    git(scratch, "add", "--", *tracked("goals-app"), *tracked("examples"))
    for page in ("zz-downloads.md", "lectures/zz-downloads.md"):
        (scratch / "docs" / page).write_text(MACRO_PAGE, encoding="utf-8")
    # pages outside the nav fail the strict build (validation: omitted_files) unless listed in not_in_nav
    config = scratch / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nnot_in_nav: |\n" in text, "mkdocs.yml has no `not_in_nav: |` block to add the test pages to"
    listed = "\nnot_in_nav: |\n  /zz-downloads.md\n  /lectures/zz-downloads.md\n"
    config.write_text(text.replace("\nnot_in_nav: |\n", listed, 1), encoding="utf-8")
    build = mkdocs_build(scratch / "site", config_dir=scratch)
    assert build.returncode == 0, build.stderr[-3000:]
    return scratch / "site"


def built(site: Path, name: str) -> bytes:
    return (site / "downloads" / f"{name}.zip").read_bytes()


def test_goals_app_zip_holds_exactly_the_tracked_files(site: Path) -> None:
    # an untracked file in the checkout stays out; so does node_modules (ignored, never tracked)
    assert sorted(entries(built(site, "goals-app"))) == tracked("goals-app")


def test_one_zip_per_example_folder_and_one_with_all_of_them(site: Path) -> None:
    examples = example_names()
    assert examples, "no example folders tracked"
    zips = sorted(path.stem for path in (site / "downloads").glob("*.zip"))
    assert zips == sorted(["goals-app", "examples", *examples])
    for name in examples:
        assert sorted(entries(built(site, name))) == tracked(f"examples/{name}/")
    assert sorted(entries(built(site, "examples"))) == tracked("examples")


def test_entries_keep_the_git_mode_and_a_fixed_time(site: Path) -> None:
    modes = {}
    for line in git(REPO, "ls-files", "--stage", "--", "goals-app", "examples").splitlines():
        meta, path = line.split("\t", 1)
        modes[path] = int(meta.split()[0], 8)
    for name in ["goals-app", "examples"]:
        for path, info in entries(built(site, name)).items():
            assert info.external_attr >> 16 == modes[path], path
            assert info.create_system == 3 and info.date_time == (1980, 1, 1, 0, 0, 0), path


def test_the_zips_are_reproducible(site: Path) -> None:
    first, second = downloads.course_zips(REPO), downloads.course_zips(REPO)
    assert first == second
    # the build (another process, another checkout of the same files) made the same bytes
    assert {name: built(site, name) for name in first} == first


def test_download_link_is_relative_to_the_page_and_gives_the_size(site: Path) -> None:
    size_kb = round(len(built(site, "goals-app")) / 1024)
    for page, up in (("zz-downloads", "../"), ("lectures/zz-downloads", "../../")):
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert f'<a href="{up}downloads/goals-app.zip">goals-app.zip</a> ({size_kb} KB)' in html, page
        assert f'<a href="{up}downloads/copy-relative.zip">copy-relative.zip</a>' in html, page
        assert "http://127.0.0.1:8000/downloads<" in html  # downloads_url, from site_url


def test_an_unknown_download_name_fails_naming_the_page_and_the_known_names(tmp_path: Path) -> None:
    page_file = tmp_path / "21-goals-app.md"
    page_file.write_text("# Goals\n\nGet it: {{ download_link('goal-app') }}\n", encoding="utf-8")
    env = SimpleNamespace(
        conf={"site_url": "https://example.org/course/"},
        page=SimpleNamespace(
            file=SimpleNamespace(
                src_uri="lectures/21-goals-app.md",
                src_path="lectures/21-goals-app.md",
                abs_src_path=str(page_file),
            )
        ),
        variables={
            "files": [
                SimpleNamespace(src_uri=f"downloads/{name}.zip", content_bytes=b"x" * 3000)
                for name in ("goals-app", "examples", "copy-relative")
            ]
            + [SimpleNamespace(src_uri="lectures/21-goals-app.md", content_bytes=b"")]
        },
        macros={},
    )
    env.macro = lambda function: env.macros.setdefault(function.__name__, function)
    macros.define_env(env)
    assert env.variables["downloads_url"] == "https://example.org/course/downloads"
    link = env.macros["download_link"]
    assert link("goals-app") == "[goals-app.zip](../downloads/goals-app.zip) (3 KB)"
    with pytest.raises(macros.MacroError) as failure:
        link("goal-app")
    assert str(failure.value) == (
        "docs/lectures/21-goals-app.md:3: no download 'goal-app' (known: copy-relative, examples, goals-app)."
    )


def make_tree(root: Path) -> None:
    files = {
        ".gitignore": "*.log\n!keep.log\n/build/\n",  # the root .gitignore applies below too
        "goals-app/.gitignore": "node_modules/\n",
        "goals-app/.dockerignore": "README.md\ntest/\n",  # not used: learners get README and tests
        "goals-app/README.md": "# app\n",
        "goals-app/server.js": "console.log('hi')\n",
        "goals-app/run.sh": "#!/bin/sh\necho run\n",
        "goals-app/test/a.test.js": "\n",
        "goals-app/node_modules/dep/index.js": "\n",
        "goals-app/__pycache__/x.pyc": "\n",
        "goals-app/debug.log": "\n",
        "goals-app/keep.log": "\n",
        "goals-app/build/out.txt": "\n",  # /build/ is anchored to the root: this one stays
        "examples/one/Dockerfile": "FROM node\n",
        "examples/one/.dockerignore": "node_modules\n",
        "examples/two/Dockerfile": "FROM node\n",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    (root / "goals-app" / "run.sh").chmod(0o755)


KEPT = [
    "goals-app/.dockerignore",
    "goals-app/.gitignore",
    "goals-app/README.md",
    "goals-app/build/out.txt",
    "goals-app/keep.log",
    "goals-app/run.sh",
    "goals-app/server.js",
    "goals-app/test/a.test.js",
]


def check_small_tree(root: Path, how: str) -> None:
    _, found_by = downloads.course_files(root)
    assert found_by.startswith(how)
    zips = downloads.course_zips(root)
    assert sorted(zips) == ["examples", "goals-app", "one", "two"]
    goals = entries(zips["goals-app"])
    assert sorted(goals) == KEPT
    assert goals["goals-app/run.sh"].external_attr >> 16 == 0o100755
    assert goals["goals-app/server.js"].external_attr >> 16 == 0o100644
    assert sorted(entries(zips["one"])) == ["examples/one/.dockerignore", "examples/one/Dockerfile"]
    assert sorted(entries(zips["examples"])) == [
        "examples/one/.dockerignore",
        "examples/one/Dockerfile",
        "examples/two/Dockerfile",
    ]
    if shutil.which("unzip"):  # what a learner does: the script is executable after unzipping
        (root / "goals-app.zip").write_bytes(zips["goals-app"])
        subprocess.run(["unzip", "-q", "goals-app.zip", "-d", "out"], cwd=root, check=True)
        assert (root / "out" / "goals-app" / "run.sh").stat().st_mode & 0o777 == 0o755


def test_outside_git_the_folders_are_walked_honouring_gitignore(tmp_path: Path) -> None:
    make_tree(tmp_path)
    check_small_tree(tmp_path, "a walk")


def test_in_a_git_checkout_the_tracked_files_are_used_with_their_modes(tmp_path: Path) -> None:
    make_tree(tmp_path)
    git(tmp_path, "init", "-q")
    # git applies the same .gitignore rules; __pycache__ (skipped by the walk) is not tracked
    git(tmp_path, "add", "goals-app", "examples", ":!goals-app/__pycache__")
    (tmp_path / "goals-app" / "untracked.txt").write_text("\n")
    check_small_tree(tmp_path, "git ls-files")
