"""Typing into an interactive program (docstest/shell.py): an input is typed only once the
program waits at its prompt, not when the prompt's text merely went by."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pyte
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from docstest.shell import PageShell, render_terminal, waiting_at_prompt

PREVIEW = "> 1 + 1\r\n\x1b[90m2\x1b[39m\x1b[8G\x1b[1A"  # Node's REPL: a preview under the line being typed


@pytest.mark.parametrize(
    ("stream", "waiting"),
    [
        ("Welcome\r\n\x1b[1G\x1b[0J> \x1b[3G", True),  # Node's first prompt, cursor moved after it
        ("> 1 + 1", False),  # typed, not entered
        (PREVIEW, False),  # the cursor is back on the typed line
        ("> 1 + 1\r\r\n2\r\n> ", True),  # entered, answered, asked again
        ("> 1 + 1\r\r\n> ", True),  # a prompt drawn before the answer is a prompt the program shows
        ("> 1 + 1\r\r\n> 2", False),  # ... but here the answer followed it: not waiting
        ("Are you sure you want to continue? [y/N] ", True),
    ],
)
def test_waiting_at_the_prompt_is_read_from_the_screen(stream: str, waiting: bool) -> None:
    prompt = "Are you sure you want to continue? [y/N] " if stream.startswith("Are") else "> "
    assert waiting_at_prompt(stream, prompt) is waiting


# A REPL that, busy, draws its prompt a moment before its answer, and drops what was typed
# meanwhile (as a loaded Node REPL lost a line and a `^C`): an input typed at that early prompt
# is lost, and the page's last input would never end the program.
EARLY_PROMPT = textwrap.dedent(
    """
    import sys, termios, time, tty
    tty.setraw(0)
    out = sys.stdout
    out.write("> "); out.flush()
    line = ""
    while True:
        ch = sys.stdin.read(1)
        if ch == "\\r":
            out.write("\\r\\n> "); out.flush()   # the early prompt
            time.sleep(0.1)
            termios.tcflush(0, termios.TCIFLUSH)
            if line == "exit":
                out.write("\\r\\x1b[Kbye\\r\\n"); out.flush(); break
            out.write("\\r\\x1b[K" + str(eval(line)) + "\\r\\n> "); out.flush()
            line = ""
        else:
            line += ch; out.write(ch); out.flush()
    """
)


def test_an_input_waits_for_the_prompt_the_program_waits_at(tmp_path: Path) -> None:
    (tmp_path / "repl.py").write_text(EARLY_PROMPT, encoding="utf-8")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shell = PageShell(tmp_path, scratch, {"PATH": "/usr/bin:/bin"})
    try:
        result = shell.run_interactive(f"{sys.executable} repl.py", ["1 + 1", "2 * 3", "exit"], "> ", 30)
    finally:
        shell.close()
    assert result.status == 0, result.output
    assert result.output.splitlines() == ["> 1 + 1", "2", "> 2 * 3", "6", "> exit", "bye"]


CONTROLS = ["\r\n", "\r", "\n", "\x1b[1A", "\x1b[2K", "\x1b[0J", "\x1b[5G", "\x1b[31m", "\x1b[0m"]
# What programs draw: text (Korean and CJK are two cells wide), line ends, cursor moves, erasures.
DRAWN = st.lists(
    st.one_of(
        st.text(alphabet="ab 가나다漢字→✓-", max_size=30),
        st.sampled_from(CONTROLS),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(DRAWN)
def test_the_final_screen_is_what_pytes_display_shows(stream: str) -> None:
    """render_terminal draws only the rows it needs; pyte's `display` (all rows) is the reference."""
    screen = pyte.Screen(40, 200)  # rows enough for any drawn stream; display draws them all
    pyte.Stream(screen).feed(stream)
    try:
        display = screen.display
    except IndexError:  # pyte's display fails on a half-overwritten wide character: see below
        assume(False)
    rows = [line.rstrip() for line in display[: screen.cursor.y + 1]]
    while rows and not rows[-1]:
        rows.pop()
    while rows and not rows[0]:
        rows.pop(0)
    assert render_terminal(stream, columns=40) == "\n".join(rows)


def test_a_half_overwritten_wide_character_leaves_a_blank() -> None:
    """Hypothesis found it: `字` written over the second half of another `字` (pyte's own
    `display` raises IndexError there); a terminal shows the new character and a blank."""
    assert render_terminal("a字\r字", columns=40) == "字"
    assert render_terminal("a字\r字b", columns=40) == "字b"
