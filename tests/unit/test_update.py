"""--update-docs writes real output back where the expected output stood, at the fence's indentation."""

from __future__ import annotations

from pathlib import Path

from docstest.parse import parse_source
from docstest.update import PendingUpdate, apply_updates

PAGE = """1. A step:

   ```console
   $ printf 'a\\nb\\n'
   a
   old
   ```

=== "한국어"

    ```console
    $ echo one
    $ echo two
    two
    ```
"""


def test_updates_keep_each_fences_indentation_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    page = parse_source(PAGE, path)
    first, second = page.blocks
    updates = [
        PendingUpdate.for_command(first, first.commands[0], ["a", "", "b"]),
        PendingUpdate.for_command(second, second.commands[0], ["one"]),  # had no output lines
    ]
    assert apply_updates(updates, tmp_path) == [path]
    text = path.read_text(encoding="utf-8")
    assert "   $ printf 'a\\nb\\n'\n   a\n\n   b\n   ```" in text  # blank lines stay blank
    assert "    $ echo one\n    one\n    $ echo two\n    two\n" in text
    reparsed = parse_source(text, path)
    assert [o.text for o in reparsed.blocks[0].commands[0].output] == ["a", "", "b"]
    assert [o.text for o in reparsed.blocks[1].commands[0].output] == ["one"]
