"""pytest hooks: every Markdown page under the docs roots is a test file, every block an item.

Items are named by line (`docs/lectures/20-external-images.md::line-42`), run in page
order in one shell per page, and report failures as `page.md:line` with a diff, never a
plugin traceback. Selecting one block (`-k line-42`) runs the blocks before it as well.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest

from .dialect import PLAIN, Dialect, ScopeError
from .exits import install_exit_handlers, sweep_page_folders
from .model import Block, Page, PageError
from .parse import parse_page
from .runner import BlockFailure, PageRun
from .shard import Sharding, file_of, heaviest_first, load_durations, parse_shard
from .shell import ShellDied
from .update import apply_updates

if TYPE_CHECKING:  # the type pytest's repr_failure returns; not public API, so for the checker only
    from _pytest._code.code import TerminalRepr


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("docstest", "executable course pages (docs-as-tests)")
    group.addoption(
        "--update-docs",
        action="store_true",
        default=False,
        help="write the real output of failing commands back into the pages",
    )
    group.addoption(
        "--shard",
        default=None,
        metavar="PART/PARTS",
        help="run one part of the tests (e.g. 2/3 on the second of three CI machines); files "
        "stay whole, parts are balanced by measured (--store-durations) or estimated seconds",
    )
    group.addoption(
        "--store-durations",
        action="store_true",
        default=False,
        help="record the seconds each file took in the durations file, for --shard",
    )
    parser.addini(
        "docstest_durations",
        "file (from the rootdir) with the seconds each test file took, for --shard",
        default=".docstest-durations.json",
    )
    parser.addini("docstest_roots", "folders whose .md pages are tests", type="args", default=["docs"])
    parser.addini(
        "docstest_languages",
        "labels of the language tabs that must agree on commands",
        type="args",
        default=["한국어", "English"],
    )


# Plugins that come with docstest, by name -> module (as an entry point names one): registered
# when docstest is, unless blocked (`-p no:docstest_docker` runs pages with the plain dialect).
# Named, never imported here: the core does not depend on any dialect.
BUILT_IN_PLUGINS = {"docstest_docker": "docstest.docker.plugin"}


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import hookspecs

    pluginmanager.add_hookspecs(hookspecs)
    for name, module in BUILT_IN_PLUGINS.items():
        if not pluginmanager.is_blocked(name) and pluginmanager.get_plugin(name) is None:
            pluginmanager.register(importlib.import_module(module), name)


_DIALECT = pytest.StashKey[Dialect]()


def dialect_of(config: pytest.Config) -> Dialect:
    """The run's dialect: the first answer to pytest_docstest_dialect, else the plain one."""
    if _DIALECT not in config.stash:
        answer: Dialect | None = config.hook.pytest_docstest_dialect(config=config)
        config.stash[_DIALECT] = PLAIN if answer is None else answer
    return config.stash[_DIALECT]


def pytest_configure(config: pytest.Config) -> None:
    # Pages still open are closed at process exit (the runner's atexit), also on SIGTERM, and
    # so is what a dialect started (private engines).
    install_exit_handlers(worker=hasattr(config, "workerinput"))
    if not hasattr(config, "workerinput"):  # once per run: what killed runs left behind
        sweep_page_folders()
    # A page's blocks share one shell: under pytest-xdist, keep each page on one worker.
    # (`-n N` alone means --dist load, which would split a page across workers.)
    if getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadfile"
    # xdist would hand out files by their number of tests; keep the heaviest-first order that
    # pytest_collection_modifyitems gives them.
    if getattr(config.option, "dist", "no") in ("loadfile", "loadscope"):
        config.option.loadscopereorder = False
    shard = config.getoption("shard")
    if shard is not None or config.getoption("store_durations"):
        try:
            part = parse_shard(shard) if shard is not None else None
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None
        config.pluginmanager.register(Sharding(config, part, _file_weight), "docstest-sharding")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Set-up and teardown failures of a page (a dead shell in its hidden teardown, a server's
    log that differs) read as page:line too, as its blocks' failures do."""
    report = yield
    if call.when != "call" and call.excinfo is not None and isinstance(item, PageItem):
        text = item.failure_text(call.excinfo)
        if text is not None:
            report.longrepr = text
    return report


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Heaviest files first (a page or a test module, each kept whole and in order): by the
    seconds the durations file measured (--store-durations), else an estimate. With
    pytest-xdist the longest files then start at once on different workers instead of ending
    the run alone on one."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(file_of(item), []).append(item)
    measured = load_durations(Path(config.rootpath, config.getini("docstest_durations")))
    weights = {name: measured.get(name, _file_weight(group)) for name, group in files.items()}
    items[:] = [item for name in heaviest_first(weights) for item in files[name]]


def _file_weight(items: list[pytest.Item]) -> float:
    """Estimated seconds of one file's tests, when none were measured (see shard.py)."""
    parent = items[0].parent
    if isinstance(parent, DocPage):
        return _page_weight(parent.page, dialect_of(parent.config))
    return float(len(items))


def _page_weight(page: Page, dialect: Dialect) -> float:
    """A rough cost estimate in seconds: the dialect's for its environment and commands (Docker:
    builds and runs are slow), and waits count in full."""
    weight = dialect.scope_weight(page)
    for block in page.blocks:
        if block.directives.expect_timeout:
            weight += block.directives.timeout
        for command in block.commands:
            weight += dialect.command_weight(command.text)
    return weight


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> DocPage | None:
    if file_path.suffix != ".md":
        return None
    roots = [Path(parent.config.rootpath, root).resolve() for root in parent.config.getini("docstest_roots")]
    if any(root == file_path.resolve().parent or root in file_path.resolve().parents for root in roots):
        return DocPage.from_parent(parent, path=file_path)
    return None


class DocPage(pytest.File):
    page: Page
    run: PageRun | None = None

    def collect(self) -> Iterator[pytest.Item]:
        display = os.path.relpath(self.path, self.config.rootpath)
        try:
            self.page = parse_page(self.path, display, dialect_of(self.config))
            _check_folders(self.page, Path(self.config.rootpath))
        except PageError as error:
            raise self.CollectError(error.render()) from None
        except Exception as error:  # never a plugin traceback for a page
            raise self.CollectError(
                f"{display}:1: docstest could not read this page ({type(error).__name__}: {error})\n"
                "  hint: the test machinery failed, not the page: rerun with --full-trace to see where"
            ) from None
        if self.page.tab_sets:
            yield LanguageParity.from_parent(self, name="language-parity")
        repeated = _repeated_in_other_languages(self.page, self.config.getini("docstest_languages"))
        for index, block in enumerate(self.page.blocks):
            block.runs = id(block) not in repeated
            if block.kind == "teardown" or not block.runs:
                continue
            cls = PythonBlock if block.kind == "python" else DocBlock
            yield cls.from_parent(self, name=f"line-{block.line}", index=index)

    def page_run(self) -> PageRun:
        if self.run is None:
            dialect = dialect_of(self.config)
            try:
                scope = dialect.scope(self.page, self._warn)
                self.run = PageRun(
                    self.page,
                    Path(self.config.rootpath),
                    self.config.getoption("update_docs"),
                    scope=scope,
                    variables=Variables(self.config),
                    record=self._record,
                    dialect=dialect,
                )
            except ScopeError as error:
                raise BlockFailure(f"{self.page.path}:1: {error}") from None
        return self.run

    def _warn(self, message: str) -> None:
        self.warn(pytest.PytestWarning(f"{self.page.path}: {message}"))

    def _record(self, name: str, value: str, page: str, line: int) -> None:
        self.config.hook.pytest_docstest_record(
            name=name, value=value, page=page, line=line, config=self.config
        )

    def teardown(self) -> None:
        run, self.run = self.run, None
        if run is None:
            return
        try:
            run.finish()
        finally:
            notes = run.close()
            if run.updates:
                changed = apply_updates(run.updates, Path(self.config.rootpath))
                for path in changed:
                    self.warn(pytest.PytestWarning(f"--update-docs rewrote expected output in {path}"))
            for note in notes:
                self.warn(pytest.PytestWarning(f"{self.page.path}: {note}"))


def _check_folders(page: Page, root: Path) -> None:
    """Front matter `copy:` names folders of the repository: checked when the page is collected."""
    for folder in page.options.copy:
        if not (root / folder).is_dir():
            raise PageError(
                page.path,
                1,
                f"front matter docstest.copy names {folder!r}, which is not a folder in {root}",
                "copy: takes folders of the repository, relative to its root",
            )


class Variables:
    """`{{ name }}` in commands and front matter, valued by the project's conftest hook."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.values: dict[str, str] = {}

    def __call__(self, name: str) -> str | None:
        if name not in self.values:
            value = self.config.hook.pytest_docstest_variable(name=name, config=self.config)
            if value is None:
                return None
            self.values[name] = value
        return self.values[name]


def _repeated_in_other_languages(page: Page, languages: list[str]) -> set[int]:
    """Blocks in the second, third... language tab of a set: a reader follows one language,
    so commands repeated in every tab run once, from the first language's tab."""
    repeated: set[int] = set()
    for tab_set in page.tab_sets:
        labels = [label for label, _, _ in tab_set]
        if languages and languages[0] in labels:
            for label, _, blocks in tab_set:
                if label != languages[0] and label in languages:
                    repeated.update(id(block) for block in blocks)
    return repeated


class PageItem(pytest.Item):
    """A test of a page: its failures read `page.md:line: what`, never as a plugin traceback."""

    line = 1  # where in the page a failure that names no line is reported

    @property
    def doc_page(self) -> DocPage:
        assert isinstance(self.parent, DocPage)  # what pytest_collect_file made it
        return self.parent

    def failure_text(self, excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
        """The report of a failure, or None for pytest's own (skips, fail(), --full-trace)."""
        error = excinfo.value
        if isinstance(error, BlockFailure):
            return str(error)
        if not isinstance(error, Exception) or self.config.getoption("fulltrace"):
            return None
        page = self.doc_page.page
        if isinstance(error, ShellDied):
            return (
                f"{page.path}:{self.line}: {error}\n"
                "  hint: a command ended the page's shell (`exit`, or it killed the shell); "
                "the page's later steps could not run"
            )
        summary = (str(error).strip().splitlines() or [""])[0][:300]  # pexpect's errors dump buffers
        return (
            f"{page.path}:{self.line}: the test machinery failed here, not the page "
            f"({type(error).__name__}: {summary})\n"
            "  hint: rerun with --full-trace to see where (docstest, or a conftest hook it called)"
        )

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | TerminalRepr:
        text = self.failure_text(excinfo)
        return text if text is not None else super().repr_failure(excinfo, style=style)


class DocBlock(PageItem):
    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.block: Block = self.doc_page.page.blocks[index]
        self.line = self.block.line

    def runtest(self) -> None:
        page = self.doc_page
        run = page.page_run()
        run.run_through(self.index)
        if self.index == _last_block_index(page.page):
            run.finish()

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f"{self.block.path}:{self.block.line}: {self.block.label}"


def _last_block_index(page: Page) -> int:
    indexes = [i for i, b in enumerate(page.blocks) if b.kind not in ("teardown", "python") and b.runs]
    return indexes[-1] if indexes else -1


class PythonBlock(pytest.Item):
    """A ```py block, run (and its `#>` print output checked) by pydantic's pytest-examples."""

    def __init__(self, *, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parent = self.parent
        assert isinstance(parent, DocPage), parent
        self.block: Block = parent.page.blocks[index]

    def runtest(self) -> None:
        from pytest_examples import CodeExample
        from pytest_examples.eval_example import EvalExample

        example = CodeExample.create(
            self.block.source,
            path=self.path,
            start_line=self.block.line,
            prefix=self.block.fence_info,
            indent=len(self.block.indent),
        )
        request = SimpleNamespace(config=self.config, node=self)  # all EvalExample reads of a request
        with tempfile.TemporaryDirectory(prefix="docstest-py-") as tmp:
            # EvalExample's annotation asks for a FixtureRequest; it reads only these two fields
            evaluator = EvalExample(tmp_path=Path(tmp), pytest_request=request)  # type: ignore[arg-type]
            evaluator.run_print_check(example)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.block.line - 1, f"{self.block.path}:{self.block.line}: python"


def _shown(block: Block) -> str:
    """What a block shows a reader: commands and their expected output (copies must agree)."""
    return block.source.strip()


def _summary(blocks: list[str]) -> str:
    return repr(blocks) if blocks else "no executable blocks"


class LanguageParity(PageItem):
    """The language tabs of a page may not disagree about a command."""

    def runtest(self) -> None:
        page = self.doc_page.page
        languages = self.config.getini("docstest_languages")
        problems = []
        for tab_set in page.tab_sets:
            labels = [label for label, _, _ in tab_set]
            if not set(languages) & set(labels):
                continue
            runs = {label: [_shown(b) for b in blocks] for label, _, blocks in tab_set}
            reference_label, reference_line, _ = tab_set[0]
            for label, line, _ in tab_set[1:]:
                if runs[label] != runs[reference_label]:
                    mine, theirs = _summary(runs[label]), _summary(runs[reference_label])
                    problems.append(
                        f"{page.path}:{line}: the {label!r} tab shows {mine}, but the "
                        f"{reference_label!r} tab (line {reference_line}) shows {theirs}"
                    )
        if problems:
            raise BlockFailure(
                "\n".join(problems) + "\n  hint: put commands outside the language tabs, "
                "or make them (and their output) identical in every tab"
            )

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.doc_page.page.path}: language tabs agree on commands"
