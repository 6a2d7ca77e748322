"""`python -m provision [engine|images|browser|all|status]`: what `make images` and `make test` run."""

from __future__ import annotations

import argparse
import sys

from . import browser, engine, engine_root, host, images, registry
from .system import ProvisionError, phase


def status() -> None:
    """What is there: the engine and its builder, the registry, and each base image."""
    if engine.answers():
        print(f"engine: Docker Engine {engine.server_version()} answers")
    else:
        print("engine: no Docker engine answers (make images starts one)")
    if engine_root.is_ready():
        found = engine_root.versions()
        print(
            f"engines we start: Debian {found.get('suite')} root at {engine_root.ROOT} "
            f"(docker.io {found.get('dockerd')}, buildx {found.get('buildx')})"
        )
    print(f"BuildKit (docker buildx): {engine.buildx_version() or 'missing: builds use the legacy builder'}")
    print(f"local registry on {registry.ADDRESS}: {'running' if registry.is_running() else 'not running'}")
    for line in images.status_lines():
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m provision", description=__doc__)
    parser.add_argument(
        "what", choices=["engine", "images", "browser", "all", "status"], nargs="?", default="all"
    )
    parser.add_argument(
        "--image",
        action="append",
        dest="names",
        help=f"only this base image (known: {', '.join(images.BASE_IMAGES)})",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild stand-ins even when present (e.g. after `status` reports a newer Node.js)",
    )
    args = parser.parse_args(argv)
    try:
        if args.what == "status":
            status()
            return 0
        with phase("provisioning"):
            if args.what == "all":
                host.ensure_host_tools()  # curl, unzip, git, ip, node, npm: what pages run on the host
            if args.what in ("engine", "all", "images"):
                engine.ensure_main_engine()
                if engine.can_start_engines():
                    registry.ensure_running()  # also where the machine's own engine was running
            if args.what in ("images", "all"):
                images.ensure_images(args.names, rebuild=args.rebuild)
            if args.what in ("browser", "all"):
                browser.ensure_browser()
    except ProvisionError as error:
        print(f"\nprovision: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
