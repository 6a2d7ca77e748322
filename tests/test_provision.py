"""Provisioning parts that need no engine: stand-in recipes, tags, LTS, the engine launcher."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import subprocess
import tarfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from provision import engine_root, images


def test_node_standin_dockerfile_is_the_official_shape() -> None:
    dockerfile = images.NODE_DOCKERFILE.format(rootfs=images.ROOTFS_IMAGE, node_version="26.12.1")
    lines = dockerfile.splitlines()
    assert lines[0] == f"FROM {images.ROOTFS_IMAGE}"
    assert images.ROOTFS_IMAGE.startswith(f"course-standin/debian:{engine_root.SUITE}")
    assert "ENV NODE_VERSION=26.12.1" in lines
    assert "COPY node.tgz" not in dockerfile and "--mount=type=bind,source=node.tgz" in dockerfile
    assert 'ENTRYPOINT ["docker-entrypoint.sh"]' in lines
    assert lines[-1] == 'CMD [ "node" ]'
    assert "WORKDIR" not in dockerfile  # the official image leaves the working directory at /
    assert "update-ca-certificates" in dockerfile  # HTTPS works behind the host's proxy
    assert "{" not in dockerfile.replace("{ [", "").replace("; }", "")


def test_the_entrypoint_runs_node_for_options_and_unknown_commands() -> None:
    script = (images.STANDINS / "docker-entrypoint.sh").read_text()
    assert 'set -- node "$@"' in script and script.rstrip().endswith('exec "$@"')


def test_node_tags_follow_the_official_image() -> None:
    assert images.node_tags("26.12.1", lts=26) == [
        "latest", "26", "26.12", "26.12.1", "trixie", "26-trixie", "lts",
    ]  # fmt: skip
    assert "lts" not in images.node_tags("27.1.0", lts=26)


def test_lts_major_is_the_newest_even_major_old_enough() -> None:
    published = {
        "24.0.0": "2025-05-06T00:00:00Z",
        "25.0.0": "2025-10-16T00:00:00Z",
        "26.0.0": "2026-05-06T00:00:00Z",
        "26.1.0": "2026-05-20T00:00:00Z",
    }
    assert images.lts_major(published, dt.date(2026, 11, 28)) == 26
    assert images.lts_major(published, dt.date(2026, 7, 1)) == 24


def _tar(entries: dict[str, bytes | None]) -> bytes:
    """A tar stream of files (bytes) and folders (None), named as `tar -C root -c .` names them."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, content in entries.items():
            member = tarfile.TarInfo(name)
            member.mtime = 1_764_000_000  # debootstrap's day
            if content is None:
                member.type = tarfile.DIRTYPE
                archive.addfile(member)
            else:
                member.size = len(content)
                archive.addfile(member, io.BytesIO(content))
    return out.getvalue()


def test_the_base_of_the_standins_is_shaped_like_dockers_official_debian_image() -> None:
    """No package lists or apt caches (their folders stay), apt's docker-clean added, the rest kept."""
    debootstrapped = _tar({
        "./var/lib/apt/lists": None,
        "./var/lib/apt/lists/partial": None,
        "./var/lib/apt/lists/deb.debian.org_debian_dists_trixie_main_binary-amd64_Packages": b"Package: bash",
        "./var/cache/apt": None,
        "./var/cache/apt/archives": None,
        "./var/cache/apt/archives/bash_5.2_amd64.deb": b"!<arch>",
        "./var/cache/apt/pkgcache.bin": b"cache",
        "./var/lib/dpkg/status": b"Package: bash",
        "./usr/bin/apt": b"ELF",
        "./etc/apt/apt.conf.d": None,
    })  # fmt: skip
    imported = io.BytesIO()
    images.official_base(io.BytesIO(debootstrapped), imported)
    imported.seek(0)
    with tarfile.open(fileobj=imported) as archive:
        kept = {member.name: member for member in archive}
        clean = archive.extractfile(kept["./etc/apt/apt.conf.d/docker-clean"])
        assert clean is not None and b'Dir::Cache::pkgcache "";' in clean.read()
    assert kept["./etc/apt/apt.conf.d/docker-clean"].mtime == 1_764_000_000  # the same base each import
    assert sorted(kept) == [
        "./etc/apt/apt.conf.d",
        "./etc/apt/apt.conf.d/docker-clean",
        "./usr/bin/apt",
        "./var/cache/apt",
        "./var/cache/apt/archives",
        "./var/lib/apt/lists",
        "./var/lib/apt/lists/partial",
        "./var/lib/dpkg/status",
    ]


def test_debian_standins_render_complete_dockerfiles(monkeypatch) -> None:
    monkeypatch.setattr(images, "debian_package_version", lambda package: "3.13.5")
    for name in ("python", "registry", "httpd"):
        recipe = images.BASE_IMAGES[name].recipe()
        lines = recipe.dockerfile.splitlines()
        assert lines[0] == f"FROM {images.ROOTFS_IMAGE}"
        assert lines[-1].startswith("CMD [") and "{" not in recipe.dockerfile
        json.loads(lines[-1].removeprefix("CMD "))
    assert images.BASE_IMAGES["python"].recipe().tags == ["latest", "3", "3.13", "3.13.5"]


def test_the_images_the_lectures_use_are_provisioned_by_default() -> None:
    """node (lectures 20-30), python (31), the registry and httpd's htpasswd (39-40)."""
    assert [name for name, image in images.BASE_IMAGES.items() if image.default] == [
        "node", "python", "registry", "httpd",
    ]  # fmt: skip


def test_the_registry_standin_has_the_official_images_shape(monkeypatch) -> None:
    """registry:2's config path, entry point, port and volume; never `latest` (that is registry 3)."""
    monkeypatch.setattr(images, "debian_package_version", lambda package: "2.8.3")
    recipe = images.BASE_IMAGES["registry"].recipe()
    assert recipe.tags == ["2", "2.8", "2.8.3"]
    lines = recipe.dockerfile.splitlines()
    assert 'ENTRYPOINT ["/entrypoint.sh"]' in lines and lines[-1] == 'CMD ["/etc/docker/registry/config.yml"]'
    assert 'VOLUME ["/var/lib/registry"]' in lines and "EXPOSE 5000" in lines
    assert sorted(recipe.files) == ["registry-config.yml", "registry-entrypoint.sh"]
    assert "rootdirectory: /var/lib/registry" in (images.STANDINS / "registry-config.yml").read_text()


def test_the_engine_runs_in_its_own_mount_namespace_with_host_paths() -> None:
    command = engine_root.LAUNCHER
    assert "--make-rslave" in command  # an unmount never reaches the host
    assert "/tmp" in [str(folder) for folder in engine_root.user_folders()]  # bind mounts see host files


@pytest.mark.docker
def test_docker_exec_runs_inside_the_container_not_on_the_host() -> None:
    """`docker exec` joins the container: its PID 1 and its file system, as on a learner's
    Docker (under a chrooted daemon it landed on the host's root file system)."""
    container = subprocess.run(
        ["docker", "run", "-d", "node", "node", "-e", "setTimeout(() => {}, 60000)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    try:

        def inside(*command: str) -> str:
            return subprocess.run(
                ["docker", "exec", container, *command], capture_output=True, text=True, check=True
            ).stdout

        assert inside("cat", "/proc/1/cmdline").split("\0")[:2] == ["node", "-e"]
        run = ["docker", "run", "--rm", "node", "cat", "/etc/os-release"]
        image_os = subprocess.run(run, capture_output=True, text=True, check=True).stdout
        assert inside("cat", "/etc/os-release") == image_os
        assert not Path("/tmp/.course-exec-probe").exists()
        inside("touch", "/tmp/.course-exec-probe")
        assert not Path("/tmp/.course-exec-probe").exists(), "docker exec wrote to the host's /tmp"
    finally:
        subprocess.run(["docker", "rm", "-f", container], capture_output=True)


@pytest.mark.docker
def test_the_node_image_is_the_official_shape_of_the_latest_release() -> None:
    """What `make images` provides behaves like Docker Hub's node:latest of this month."""
    inspect = json.loads(
        subprocess.run(
            ["docker", "image", "inspect", "node:latest"], capture_output=True, text=True, check=True
        ).stdout
    )[0]["Config"]
    assert inspect["Cmd"] == ["node"] and inspect["Entrypoint"] == ["docker-entrypoint.sh"]
    assert inspect["WorkingDir"] == ""  # the official image leaves it at /
    env = dict(item.split("=", 1) for item in inspect["Env"])
    printed = subprocess.run(
        ["docker", "run", "--rm", "node:latest", "node", "-v"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert printed == f"v{env['NODE_VERSION']}"
    if images.labels("node:latest").get(images.STANDIN_LABEL) == "true":
        latest = images.latest_node()  # the npm registry's newest official binary
        assert printed.removeprefix("v").split(".")[0] == latest.split(".")[0], (
            f"the stand-in has Node {printed}, the npm registry's latest is {latest}: "
            "python -m provision images --rebuild --image node"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.docker
def test_the_registry_image_serves_v2_and_refuses_unauthenticated_pushes(tmp_path: Path) -> None:
    """Lecture 39's registry: `registry:2` with the REGISTRY_AUTH* variables of the official
    image's documentation and an htpasswd file made by `httpd:2`'s htpasswd answers /v2/ with
    401, refuses a push without a login and a login with a wrong password, takes the right one."""
    auth = tmp_path / "auth"
    auth.mkdir()
    made = subprocess.run(
        ["docker", "run", "--rm", "--entrypoint", "htpasswd", "httpd:2", "-Bbn", "student", "docker-course"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert made.stdout.startswith("student:$2y$")  # bcrypt, the only scheme the registry accepts
    (auth / "htpasswd").write_text(made.stdout)
    port = _free_port()
    env = {**os.environ, "DOCKER_CONFIG": str(tmp_path / "docker-config")}  # logins stay here
    container = subprocess.run(
        [
            "docker", "run", "-d", "-p", f"127.0.0.1:{port}:5000", "-v", f"{auth}:/auth",
            "-e", "REGISTRY_AUTH=htpasswd", "-e", "REGISTRY_AUTH_HTPASSWD_REALM=Registry Realm",
            "-e", "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd", "registry:2",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()  # fmt: skip
    name = f"localhost:{port}/provision-test"
    try:

        def status() -> int:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2) as response:
                    return int(response.status)
            except urllib.error.HTTPError as error:
                return error.code
            except OSError:
                return 0

        deadline = time.monotonic() + 30
        while status() == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status() == 401, "with htpasswd authentication, /v2/ must ask for a login"

        def docker(*args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                ["docker", *args], input=password, capture_output=True, text=True, env=env, timeout=300
            )

        subprocess.run(["docker", "tag", "registry:2", name], check=True)  # an image this test has
        refused = docker("push", name)
        assert refused.returncode != 0 and "no basic auth credentials" in refused.stdout + refused.stderr
        login = ["login", f"localhost:{port}", "-u", "student", "--password-stdin"]
        wrong = docker(*login, password="wrong")
        assert wrong.returncode != 0 and "401 Unauthorized" in wrong.stderr
        right = docker(*login, password="docker-course")
        assert right.returncode == 0 and "Login Succeeded" in right.stdout
        pushed = docker("push", name)
        assert pushed.returncode == 0, pushed.stderr
        again = docker("push", name)
        assert "Layer already exists" in again.stdout and "Pushed" not in again.stdout
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", container], capture_output=True)
        subprocess.run(["docker", "rmi", name], capture_output=True)


def test_rebuild_builds_a_standin_again_instead_of_pulling_it_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The local registry serves the stand-in being rebuilt: a pull would bring the same one back."""
    done: list[str] = []
    present = {"yes": True}
    monkeypatch.setattr(images, "is_standin", lambda ref: True)
    monkeypatch.setattr(images, "_behind_a_major", lambda image: False)

    def remove_local(image: images.BaseImage) -> None:
        done.append("remove")
        present["yes"] = False

    monkeypatch.setattr(images, "remove_local", remove_local)
    monkeypatch.setattr(images, "image_exists", lambda ref: present["yes"])
    monkeypatch.setattr(images, "is_current", lambda ref: True)
    monkeypatch.setattr(images, "run", lambda args, **kwargs: done.append(" ".join(args[:2])))
    monkeypatch.setattr(images, "build_standin", lambda image: done.append("build"))
    monkeypatch.setattr(images, "_publish_to_registry", lambda image, force: done.append(f"publish {force}"))
    assert images.ensure_image(images.BASE_IMAGES["node"], rebuild=True) == "stand-in, built now"
    assert done == ["remove", "build", "publish True"]
