"""Unit tests of the docs-as-tests plugin's pure core: no Docker, no shell, well under 2 s.

Hypothesis runs a few dozen examples per property, without a database folder: enough to
find a broken invariant on every run while keeping this suite the fast one.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("docstest-unit", max_examples=30, deadline=None, database=None)
settings.load_profile("docstest-unit")
