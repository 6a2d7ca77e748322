"""`python -m provision [engine|images|browser|all|status]`: what `make images` and `make test` run."""

from __future__ import annotations

import argparse
import sys

from . import browser, engine, images, registry
from .system import ProvisionError, phase


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
    args = parser.parse_args(argv)
    try:
        if args.what == "status":
            print(f"engine answers: {engine.answers()}")
            print(f"local registry on {registry.ADDRESS}: {registry.is_running()}")
            for image in images.BASE_IMAGES.values():
                print(
                    f"{image.ref}: local={images.image_exists(image.ref)} "
                    f"registry={registry.has_image(image.repository, image.tag)}"
                )
            return 0
        with phase("provisioning"):
            if args.what in ("engine", "all", "images"):
                engine.ensure_main_engine()
                if engine.can_start_engines():
                    registry.ensure_running()  # also where the machine's own engine was running
            if args.what in ("images", "all"):
                images.ensure_images(args.names)
            if args.what in ("browser", "all"):
                browser.ensure_browser()
    except ProvisionError as error:
        print(f"\nprovision: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
