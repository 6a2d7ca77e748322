"""Provisioning parts that need no engine: stand-in Dockerfiles and the registry config."""

from __future__ import annotations

import pytest

from provision import images


@pytest.mark.parametrize("image", images.BASE_IMAGES.values(), ids=lambda image: image.ref)
@pytest.mark.parametrize("npm_bundled", [True, False], ids=["npm-bundled", "debian-npm"])
def test_every_standin_renders_a_complete_dockerfile(image: images.BaseImage, npm_bundled: bool) -> None:
    dockerfile, packages = images.standin_dockerfile(
        image, "course-standin/debian:bookworm", npm_bundled=npm_bundled
    )
    lines = dockerfile.splitlines()
    assert lines[0] == "FROM course-standin/debian:bookworm"
    assert lines[-1].startswith("CMD [") and "{" not in dockerfile
    assert "update-ca-certificates" in dockerfile  # HTTPS works behind the host's proxy
    assert all(package in dockerfile for package in packages)
    if image.npm:
        assert ("npm.tgz" in dockerfile) == npm_bundled
        assert ("npm" in packages) == (not npm_bundled)
    if image.entrypoint:
        assert f'ENTRYPOINT ["{image.entrypoint}"]' in dockerfile
    for instruction in image.instructions.splitlines():
        assert instruction in lines


def test_only_node_is_provisioned_by_default() -> None:
    assert [name for name, image in images.BASE_IMAGES.items() if image.default] == ["node"]
