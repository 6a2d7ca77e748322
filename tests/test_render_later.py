"""Runs of prose between headings, drawn only near the screen (hooks/render_later.py): the
headings stay outside them, nothing of the page is lost or moved, bad HTML is named."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.exceptions import PluginError

from hooks.language import _div_end, mark_language_sets
from hooks.render_later import estimated_height, top_level, wrap_runs

OPEN = re.compile(r'<div class="course-flow" style="contain-intrinsic-size: auto \d+px">')


def unwrapped(html: str) -> str:
    """`html` without the runs' wrappers (each wrapper's </div> is the last of its run)."""
    out, position = [], 0
    for match in OPEN.finditer(html):
        end = _div_end(html, match.start(), "test")
        out.append(html[position : match.start()] + html[match.end() : end - len("</div>")])
        position = end
    out.append(html[position:])
    return "".join(out)


def test_headings_stay_outside_and_each_run_between_them_is_wrapped() -> None:
    block = (
        '\n<h2 id="a">A</h2>\n<p>one <a href="#b">link</a></p>\n<ul>\n<li>x</li>\n</ul>\n'
        '<h3 id="b">B</h3>\n<div class="highlight"><pre><code>$ ls\n</code></pre></div>\n'
    )
    wrapped = wrap_runs(block)[0]
    assert unwrapped(wrapped) == block
    assert len(OPEN.findall(wrapped)) == 2
    assert re.search(r'</div>\n<h3 id="b">', wrapped), "the run before B closes before B"
    assert wrapped.startswith('\n<h2 id="a">A</h2>\n<div class="course-flow"')


def test_runs_within_the_first_screens_are_drawn_at_once() -> None:
    """A run near the top would be drawn a frame after the first paint and push what is below."""
    long = "<p>" + "word " * 400 + "</p>\n"
    block = '<h2 id="a">A</h2>\n' + long + '<h2 id="b">B</h2>\n' + long + '<h2 id="c">C</h2>\n' + long
    top, depth = wrap_runs(block, above=0)
    assert top.count('class="course-flow"') < 3 and 'id="a">A</h2>\n<p>' in top
    assert depth > estimated_height(long) * 3
    lower, _ = wrap_runs(block, above=depth)
    assert lower.count('class="course-flow"') == 3


def test_a_block_of_only_a_heading_or_nothing_is_left_as_it_is() -> None:
    assert wrap_runs('<h2 id="a">A</h2>\n')[0] == '<h2 id="a">A</h2>\n'
    assert wrap_runs("\n  \n")[0] == "\n  \n"


def test_void_elements_comments_and_svg_do_not_unbalance_the_scan() -> None:
    html = (
        '<p>a<br>b<img src="x.png" alt="&gt;"></p><!-- <h2>not a heading</h2> -->'
        '<figure><svg><path d="M0 0"/><g><rect/></g></svg></figure><h2 id="c">C</h2><hr>'
    )
    spans = top_level(html)
    starts = [html[start:end][:8] for start, end, _ in spans]
    assert starts == ["<p>a<br>", "<!-- <h2", "<figure>", '<h2 id="', "<hr>"]
    assert [heading for _, _, heading in spans] == [False, False, False, True, False]


@pytest.mark.parametrize("bad", ["<p>open", "</div><p>x</p>", "<div><p>x</p>"])
def test_unbalanced_html_is_an_error(bad: str) -> None:
    with pytest.raises(ValueError):
        wrap_runs(bad)[0]


def test_a_broken_block_fails_the_build_naming_the_page() -> None:
    content = (
        '<div class="tabbed-set tabbed-alternate" data-tabs="1:2"><input name="__tabbed_1" id="a">'
        '<input name="__tabbed_1" id="b"><div class="tabbed-labels"><label for="a">한국어</label>'
        '<label for="b">English</label></div><div class="tabbed-content">'
        '<div class="tabbed-block"><p>열린 <span>문단</p></div>'
        '<div class="tabbed-block"><p>fine</p></div></div></div>'
    )
    with pytest.raises(PluginError, match=r"docs/x\.md: the page's HTML in a ko block"):
        mark_language_sets(content, "docs/x.md")


def test_estimates_grow_with_the_content_and_count_hangul_wider() -> None:
    short, long = "<p>" + "word " * 10 + "</p>", "<p>" + "word " * 200 + "</p>"
    assert estimated_height(short) < estimated_height(long)
    assert estimated_height("<p>" + "가" * 300 + "</p>") > estimated_height("<p>" + "a" * 300 + "</p>")
    code = "<pre><code>" + "line\n" * 40 + "</code></pre>"
    assert estimated_height(code) >= 40 * 20
    folded = "<details><summary>Answer</summary><p>" + "word " * 500 + "</p></details>"
    assert estimated_height(folded) < estimated_height(long), "a folded box shows its summary only"


ELEMENTS = st.sampled_from(
    [
        '<h2 id="h">Title</h2>',
        "<h3>Sub</h3>",
        "<p>text <code>x</code></p>",
        "<ul><li>a</li><li>b<br>c</li></ul>",
        '<div class="admonition note"><p class="admonition-title">Note</p><p>n</p></div>',
        '<div class="highlight"><pre><span></span><code>$ docker ps\n</code></pre></div>',
        "<details><summary>s</summary><p>d</p></details>",
        "<hr>",
        "<!-- a comment -->",
        "\n",
    ]
)


@given(st.lists(ELEMENTS, max_size=12))
def test_wrapping_loses_and_moves_nothing_and_keeps_headings_out(parts: list[str]) -> None:
    block = "".join(parts)
    wrapped = wrap_runs(block)[0]
    assert unwrapped(wrapped) == block
    spans = top_level(wrapped)
    headings = [wrapped[start:end].strip() for start, end, heading in spans if heading]
    assert headings == [part for part in parts if re.match(r"<h[1-6]", part)]
    runs = [wrapped[start:end].strip() for start, end, heading in spans if not heading]
    assert all(OPEN.match(run) for run in runs if run), "everything else is inside a run"
