"""MkDocs hook: every code block can be reached with the keyboard before Material's script has
seen it.

With `content.lazy` (mkdocs.yml) Material mounts a code block only as it nears the screen: a
long lecture loads with half the work. Mounting is also where Material makes a block that
overflows sideways focusable (`tabindex="0"`), so a keyboard reader can scroll it; a block
further down would wait for that until it came near. Written here, every block starts
focusable, and Material removes the attribute on mounting where the block does not overflow
(or the screen is a touch screen), as it would have.
"""

from __future__ import annotations

import re

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# pymdownx.highlight's output: <pre><span></span><code> (an id on <pre> with anchors).
_CODE = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?)<code>")


def focusable_code(html: str) -> str:
    """`html` with `tabindex="0"` on each highlighted block's <code>."""
    return _CODE.sub(r'\1<code tabindex="0">', html)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return focusable_code(html)
