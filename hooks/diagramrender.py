"""Draw Mermaid diagrams to SVG with the site's pinned Mermaid in the machine's Chromium.

Runs only for diagrams hooks/diagram-cache/ does not hold yet (hooks/diagramcache.py). Debian's
Chromium (provision/browser.py), driven by Playwright as the PDF step does: one browser and one
page draw every missing diagram of a build.
"""

from __future__ import annotations

from collections.abc import Sequence

from hooks.diagramcache import MERMAID, DiagramError, Job
from hooks.vendor_assets import npm_file
from provision.browser import CHROMIUM_ARGS, chromium_path

# Labels are measured in this page, so it has the site's base font size and nothing else.
PAGE = '<!doctype html><html><head><meta charset="utf-8"></head><body style="font-size: 16px"></body></html>'
DRAW = """async ({source, config, id}) => {
  mermaid.initialize(config);
  const { svg } = await mermaid.render(id, source);
  return svg;
}"""


def needs_chromium(jobs: Sequence[Job], reason: str) -> DiagramError:
    places = "\n".join(
        f"  {job.where}: diagram is new or changed ({job.scheme.name} scheme)"
        for job in sorted(jobs, key=lambda job: job.where)
    )
    return DiagramError(
        f"hooks/diagrams.py: these diagrams are not in hooks/diagram-cache/ and drawing them needs "
        f"Chromium, but {reason}:\n{places}\n"
        "Run `python -m provision browser` (as root; it installs Debian's chromium) and build again, "
        "then commit the new files in hooks/diagram-cache/."
    )


def render(jobs: Sequence[Job]) -> dict[str, str]:
    """{job.key: svg} for `jobs`, drawn in Chromium; a source Mermaid rejects fails with page:line."""
    chromium = chromium_path()
    if chromium is None:
        raise needs_chromium(jobs, "no Chromium is installed")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise needs_chromium(jobs, "Playwright is not installed (run `make setup`)") from None
    mermaid = npm_file(*MERMAID)
    drawn: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.set_content(PAGE)
            page.add_script_tag(path=str(mermaid))
            for job in jobs:
                arg = {"source": job.source, "config": dict(job.scheme.config), "id": job.svg_id}
                try:
                    drawn[job.key] = str(page.evaluate(DRAW, arg))
                except Error as error:
                    first = str(error).strip().splitlines()[0]
                    raise DiagramError(f"{job.where}: Mermaid cannot draw this diagram: {first}") from None
        finally:
            browser.close()
    return drawn
