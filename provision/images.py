"""Base images the course needs (`node`, `python`), real when a registry answers, else stand-ins.

One mechanism for every base image: leave a local image alone; otherwise try a real
`docker pull`; when that fails, build a stand-in from Debian packages (debootstrap of the
host's release -> `docker import` -> apt-get install), labelled as such. Then make sure the
local registry serves it, so engines without it can pull it as if from Docker Hub.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import registry
from .system import STATE, ProvisionError, apt_install, os_release, phase, pipe, run, say

ROOTFS_IMAGE = "course-standin/debian"  # the debootstrapped root file system, imported
HOST_CA_DIR = Path("/usr/local/share/ca-certificates")  # where a TLS-inspecting proxy's CA lives
STANDIN_LABEL = "course.standin"


@dataclass(frozen=True)
class BaseImage:
    """A Docker Hub image the course uses, and how to stand in for it from Debian packages."""

    name: str
    packages: tuple[str, ...]
    version_command: tuple[str, ...]
    cmd: tuple[str, ...]
    setup: str = ""  # extra shell run after the packages are installed
    entrypoint: str = ""  # a script under provision/standins/, installed as the ENTRYPOINT
    # npm from the npm registry (as the official image bundles it) rather than Debian's npm,
    # whose 460 node-* packages take dpkg a minute; Debian's is the fallback without host npm.
    npm: str = ""
    instructions: str = ""  # extra Dockerfile lines (EXPOSE, VOLUME) the official image has
    tag: str = "latest"
    default: bool = True  # provisioned by `make images`; others on request (--image NAME)

    @property
    def ref(self) -> str:
        return f"{self.name}:{self.tag}"

    @property
    def repository(self) -> str:
        return f"library/{self.name}"


BASE_IMAGES: dict[str, BaseImage] = {
    image.name: image
    for image in (
        BaseImage(
            "node",
            ("nodejs",),
            ("node", "--version"),
            ("node",),
            # as in the official image, so `docker ps` shows the same COMMAND column
            entrypoint="docker-entrypoint.sh",
            npm="npm@10.9.9",  # the newest npm that supports Debian bookworm's Node 18
        ),
        BaseImage(
            "python",
            ("python3", "python3-pip", "python-is-python3"),
            ("python", "--version"),
            ("python3",),
            default=False,  # for the interactive-mode lecture (31); not needed before it
        ),
        BaseImage(
            "registry",
            ("docker-registry",),
            ("docker-registry", "--version"),
            ("/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"),
            tag="2",
            # like the official image: no authentication, port 5000, data in a volume
            setup="printf 'version: 0.1\\nstorage:\\n  filesystem:\\n"
            "    rootdirectory: /var/lib/docker-registry\\nhttp:\\n  addr: :5000\\n'"
            " > /etc/docker/registry/config.yml",
            instructions="EXPOSE 5000\nVOLUME /var/lib/docker-registry\n",
            default=False,  # for the lectures on sharing images (38-40): a registry to push to
        ),
    )
}

STANDIN_DOCKERFILE = """\
FROM {rootfs}
# The host's extra CA certificates: HTTPS (npm install, pip install) from inside the
# container then works behind the same TLS-inspecting proxy as the host.
COPY ca-certificates/ /usr/local/share/ca-certificates/
# force-unsafe-io: dpkg skips fsync for each of the hundreds of files (a third faster).
RUN echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/standin-speedup \\
 && apt-get update -o Acquire::Languages=none \\
 && apt-get install -y --no-install-recommends ca-certificates {packages} \\
 && update-ca-certificates \\
 && {setup} rm -rf /var/lib/apt/lists/* /etc/dpkg/dpkg.cfg.d/standin-speedup
{npm}{instructions}{entrypoint}CMD {cmd}
"""
NPM_FROM_TARBALL = """\
COPY npm.tgz /tmp/npm.tgz
RUN mkdir -p /usr/local/lib/node_modules/npm \\
 && tar -xzf /tmp/npm.tgz --strip-components=1 -C /usr/local/lib/node_modules/npm \\
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && rm /tmp/npm.tgz
"""
STANDINS = Path(__file__).parent / "standins"


def image_exists(ref: str, env: dict[str, str] | None = None) -> bool:
    return run(["docker", "image", "inspect", ref], check=False, env=env).returncode == 0


def is_standin(ref: str) -> bool:
    proc = run(
        ["docker", "image", "inspect", "--format", f'{{{{index .Config.Labels "{STANDIN_LABEL}"}}}}', ref],
        check=False,
    )
    return proc.stdout.strip() == "true"


def _debian_mirror() -> str:
    """The Debian mirror apt uses on this host (debootstrap and the images use it too)."""
    sources = [
        *Path("/etc/apt/sources.list.d").glob("*.sources"),
        Path("/etc/apt/sources.list"),
        *Path("/etc/apt/sources.list.d").glob("*.list"),
    ]
    for path in sources:
        if not path.exists():
            continue
        text = path.read_text()
        match = re.search(r"^URIs:\s*(\S+/debian)/?\s*$", text, re.M) or re.search(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)/?\s", text, re.M
        )
        if match:
            return match.group(1)
    return "http://deb.debian.org/debian"


def _ensure_rootfs() -> str:
    """Import a minimal root file system of the host's Debian release as a local image."""
    release = os_release()
    if release.get("ID") != "debian" or not release.get("VERSION_CODENAME"):
        raise ProvisionError(
            "Building offline stand-in images needs a Debian host (debootstrap of its release). "
            "On other machines the real images must be pullable: check `docker pull node`."
        )
    suite = release["VERSION_CODENAME"]
    ref = f"{ROOTFS_IMAGE}:{suite}"
    if image_exists(ref):
        return ref
    apt_install({"debootstrap": "debootstrap"})
    mirror = _debian_mirror()
    with tempfile.TemporaryDirectory(dir=STATE if STATE.exists() else None) as tmp:
        rootfs = Path(tmp) / "rootfs"
        with phase(f"debootstrap --variant=minbase {suite} from {mirror}"):
            run(["debootstrap", "--variant=minbase", suite, str(rootfs), mirror], timeout=900)
        with phase(f"docker import -> {ref}"):
            pipe(
                ["tar", "-C", str(rootfs), "-c", "."],
                ["docker", "import", "--change", 'CMD ["bash"]', "-", ref],
            )
    return ref


def _pack_npm(spec: str, target: Path) -> bool:
    """Fetch npm's own package tarball with the host's npm; False if there is no npm here."""
    npm = shutil.which("npm")
    if npm is None:
        say(f"no npm on this host to fetch {spec}; the stand-in uses Debian's npm package instead")
        return False
    with tempfile.TemporaryDirectory() as tmp:
        name = run([npm, "pack", spec, "--silent"], cwd=tmp, timeout=300).stdout.strip().splitlines()[-1]
        shutil.move(Path(tmp) / name, target)
    return True


def standin_dockerfile(image: BaseImage, rootfs: str, *, npm_bundled: bool) -> tuple[str, list[str]]:
    """The stand-in's Dockerfile, and the Debian packages it installs."""
    packages = list(image.packages)
    if image.npm and not npm_bundled:
        packages.append("npm")  # Debian's npm: slower to install, same commands
    entrypoint = ""
    if image.entrypoint:
        entrypoint = f'COPY {image.entrypoint} /usr/local/bin/\nENTRYPOINT ["{image.entrypoint}"]\n'
    dockerfile = STANDIN_DOCKERFILE.format(
        rootfs=rootfs,
        packages=" ".join(packages),
        setup=f"{image.setup} && " if image.setup else "",
        npm=NPM_FROM_TARBALL if npm_bundled else "",
        instructions=image.instructions,
        entrypoint=entrypoint,
        cmd='["' + '", "'.join(image.cmd) + '"]',
    )
    return dockerfile, packages


def _build_standin(image: BaseImage) -> None:
    """Build `image` from Debian packages on the imported root file system, and label it."""
    rootfs = _ensure_rootfs()
    scratch = f"course-standin/{image.name}:build"
    with tempfile.TemporaryDirectory() as context:
        certs = Path(context) / "ca-certificates"
        certs.mkdir()
        if HOST_CA_DIR.is_dir():
            for cert in HOST_CA_DIR.rglob("*.crt"):
                shutil.copy(cert, certs / cert.name)
        if image.entrypoint:
            shutil.copy(STANDINS / image.entrypoint, Path(context) / image.entrypoint)
        npm_bundled = bool(image.npm) and _pack_npm(image.npm, Path(context) / "npm.tgz")
        dockerfile, packages = standin_dockerfile(image, rootfs, npm_bundled=npm_bundled)
        (Path(context) / "Dockerfile").write_text(dockerfile)
        with phase(
            f"build the {image.ref} stand-in (apt-get install {' '.join(packages)}"
            f"{', ' + image.npm if npm_bundled else ''})"
        ):
            run(["docker", "build", "-q", "-t", scratch, context], timeout=900)
    version = run(["docker", "run", "--rm", scratch, *image.version_command]).stdout.strip()
    if image.npm:
        version += " (npm " + run(["docker", "run", "--rm", scratch, "npm", "--version"]).stdout.strip() + ")"
    today = _dt.date.today().isoformat()
    labels = {
        STANDIN_LABEL: "true",
        f"{STANDIN_LABEL}.built": today,
        f"{STANDIN_LABEL}.version": version,
        "org.opencontainers.image.title": f"{image.name} (offline stand-in)",
        "org.opencontainers.image.description": (
            f"Stand-in for Docker Hub's {image.name} image, built on {today} from Debian "
            f"{os_release().get('VERSION_CODENAME', '')} packages because no registry was reachable."
        ),
    }
    label_args = [arg for key, value in labels.items() for arg in ("--label", f"{key}={value}")]
    run(["docker", "build", "-q", "-t", image.ref, *label_args, "-"], input=f"FROM {scratch}\n".encode())
    run(["docker", "rmi", scratch])
    say(f"{image.ref}: offline stand-in built ({image.version_command[0]} {version})")


def _publish_to_registry(image: BaseImage) -> None:
    """Let engines that use the local registry as their mirror pull `image` as from Docker Hub."""
    if not registry.is_running() or registry.has_image(image.repository, image.tag):
        return
    mirrored = f"{registry.ADDRESS}/{image.repository}:{image.tag}"
    with phase(f"push {image.ref} to the local registry"):
        run(["docker", "tag", image.ref, mirrored])
        try:
            run(["docker", "push", mirrored], timeout=900)
        finally:
            run(["docker", "rmi", mirrored], check=False)


def ensure_image(image: BaseImage) -> str:
    """Make `image` exist locally and in the local registry; return where it came from."""
    if image_exists(image.ref):
        origin = "stand-in, already present" if is_standin(image.ref) else "present"
    else:
        with phase(f"docker pull {image.ref}"):
            pulled = run(["docker", "pull", "-q", image.ref], check=False, timeout=900)
        if pulled.returncode == 0:
            origin = "pulled"
        else:
            say(f"{image.ref}: pull failed ({pulled.stderr.strip()[:160]}); building a stand-in")
            _build_standin(image)
            origin = "stand-in, built now"
    _publish_to_registry(image)
    return origin


def ensure_images(names: list[str] | None = None) -> None:
    registry_ok = registry.is_running()
    for name in names or [name for name, image in BASE_IMAGES.items() if image.default]:
        if name not in BASE_IMAGES:
            raise ProvisionError(f"Unknown base image {name!r}; known: {', '.join(BASE_IMAGES)}.")
        origin = ensure_image(BASE_IMAGES[name])
        served = " and served by the local registry" if registry_ok else ""
        say(f"{BASE_IMAGES[name].ref}: {origin}{served}")
