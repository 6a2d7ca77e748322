"""What a command line means for the host: which part runs inside a container, which ports
it publishes, which names it chooses, whether it takes the terminal. Port rewriting must
leave a container's side alone (`docker exec web curl localhost:3000` talks to the
container's own port 3000, `-e PORT=3000` sets the container's variable), a name the page
chose is compared as written in `docker ps` tables, and `docker run -it` is typed into.
"""

from __future__ import annotations

import re
import shlex

# `docker run`/`docker exec` options that take a value as the next word (`-e PORT=3000`).
_VALUE_OPTIONS = frozenset(
    re.findall(
        r"\S+",
        """
    -a -c -e -h -l -m -p -u -v -w --add-host --annotation --attach --blkio-weight
    --blkio-weight-device --cap-add --cap-drop --cgroup-parent --cgroupns --cidfile --cpu-period
    --cpu-quota --cpu-rt-period --cpu-rt-runtime --cpu-shares --cpus --cpuset-cpus --cpuset-mems
    --detach-keys --device --device-cgroup-rule --device-read-bps --device-read-iops
    --device-write-bps --device-write-iops --dns --dns-option --dns-search --domainname
    --entrypoint --env --env-file --expose --gpus --group-add --health-cmd --health-interval
    --health-retries --health-start-interval --health-start-period --health-timeout --hostname
    --ip --ip6 --ipc --isolation --kernel-memory --label --label-file --link --link-local-ip
    --log-driver --log-opt --mac-address --memory --memory-reservation --memory-swap
    --memory-swappiness --mount --name --net --net-alias --network --network-alias
    --oom-score-adj --pid --pids-limit --platform --publish --pull --restart --runtime
    --security-opt --shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs
    --ulimit --user --userns --uts --volume --volume-driver --volumes-from --workdir
    """,
    )
)
# A word: unquoted text, '...' or "..." (with \" inside), glued together as the shell does.
_WORD = re.compile(r"""(?:[^\s'"\\;&|()]|\\.|'[^']*'|"(?:\\.|[^"\\])*")+""", re.S)
# Where one command ends and the next begins (outside quotes): ; & | ( ) and a newline that
# is not a continuation.
_SEPARATOR = re.compile(r"""[;&|()]|(?<!\\)\n""")
# A host port the command publishes: `-p 3000:80`, `--publish=127.0.0.1:3000:80`.
PUBLISH = re.compile(r"(?P<pre>(?:-p|--publish)[ =](?:\d{1,3}(?:\.\d{1,3}){3}:)?)(?P<port>\d{2,5})(?=:\d)")
# `-e`/`--env` where it stands as an option (the start of the line or after a space).
_ENV_OPTION = re.compile(r"(?:^|(?<=\s))(?:-e|--env)")
_NAME = re.compile(r"""(?:^|\s)--name[= ]['"]?([\w][\w.-]*)""")
_RENAME = re.compile(r"""\bdocker\s+(?:container\s+)?rename\s+\S+\s+['"]?([\w][\w.-]*)""")


def _words(text: str) -> list[tuple[str, int, int]]:
    """Words of a command line with their offsets; a separator is a word of its own."""
    found: list[tuple[str, int, int]] = []
    position = 0
    while position < len(text):
        if text[position] in " \t\\" and not text.startswith("\\\n", position):
            position += 1
            continue
        if text.startswith("\\\n", position):
            position += 2
            continue
        separator = _SEPARATOR.match(text, position)
        if separator:
            found.append((separator.group(0), separator.start(), separator.end()))
            position = separator.end()
            continue
        word = _WORD.match(text, position)
        if word is None:  # an unclosed quote: the rest is one word
            found.append((text[position:], position, len(text)))
            break
        found.append((word.group(0), word.start(), word.end()))
        position = word.end()
    return found


def _is_separator(word: str) -> bool:
    return _SEPARATOR.fullmatch(word) is not None


def container_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the text a `docker run IMAGE ...` / `docker exec CONTAINER ...` hands to the
    container as its command: from the word after the image or container to the command's end."""
    words = _words(text)
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(words):
        start = _container_command(words, index)
        if start is None:
            index += 1
            continue
        end = start
        while end < len(words) and not _is_separator(words[end][0]):
            end += 1
        if end > start:
            spans.append((words[start][1], words[end - 1][2]))
        index = max(end, index + 1)
    return spans


def env_value_starts(text: str) -> list[tuple[int, int]]:
    """Offsets where an `-e`/`--env` option's value starts (`-e PORT=3000`, `--env=PORT=3000`):
    a port there is the container's variable, not the host's."""
    spans = []
    for option in _ENV_OPTION.finditer(text):
        end = option.end()
        spans.append((end, end + 2 if text[end : end + 1] in (" ", "=") else end + 1))
    return spans


def foreign_spans(text: str) -> list[tuple[int, int]]:
    """The parts of a command line that are the container's: its command and its variables."""
    return container_spans(text) + env_value_starts(text)


_PREFIX = re.compile(r"^(?:\w+=.*|sudo|time|command|exec|!)$")  # words before a command's name


def _starts_command(texts: list[str], index: int) -> bool:
    """Whether `texts[index]` is a command's name: first, or after a separator and prefixes."""
    before = index - 1
    while before >= 0 and not _is_separator(texts[before]):
        if not _PREFIX.match(texts[before]):
            return False
        before -= 1
    return True


def _takes_value(option: str) -> bool:
    """`-e`, `--name`; also combined short flags ending in one (`-dp 3000:80`)."""
    if option in _VALUE_OPTIONS:
        return True
    return re.fullmatch(r"-[a-zA-Z]+", option) is not None and f"-{option[-1]}" in _VALUE_OPTIONS


def _run_or_exec(texts: list[str], index: int) -> tuple[str, int] | None:
    """If a `docker [container] run`/`exec` starts at `index`: "run" or "exec", and where its
    options start."""
    if texts[index] != "docker" or not _starts_command(texts, index):
        return None
    position = index + 1
    if position < len(texts) and texts[position] == "container":
        position += 1
    if position >= len(texts) or texts[position] not in ("run", "exec"):
        return None
    return texts[position], position + 1


def _container_command(words: list[tuple[str, int, int]], index: int) -> int | None:
    """If a `docker run`/`exec` starts at `index`, the index of the container command's first word."""
    texts = [word for word, _, _ in words]
    found = _run_or_exec(texts, index)
    if found is None:
        return None
    _, position = _options(texts, found[1])
    # now at the image (run) or the container (exec)
    return position + 1 if position < len(texts) and not _is_separator(texts[position]) else None


def _options(texts: list[str], position: int) -> tuple[list[str], int]:
    """The options of `docker run`/`exec` from `position` on, and where the image (or container) is."""
    options = []
    while position < len(texts) and texts[position].startswith("-") and not _is_separator(texts[position]):
        option = texts[position]
        options.append(option)
        position += 2 if _takes_value(option) else 1  # `--name=web`, `-it` take no next word
    return options, position


def runs_attached(text: str) -> bool:
    """Whether the command line runs `docker run` in the foreground (no `-d`) without `--rm`:
    the CLI returns with the container's exit status, and the engine marks that container
    exited a moment later (under load, `docker ps -a` right after it can still say "Up")."""
    texts = [word for word, _, _ in _words(text)]
    for index in range(len(texts)):
        found = _run_or_exec(texts, index)
        if found is None or found[0] != "run":
            continue
        options, image = _options(texts, found[1])
        if image >= len(texts) or _is_separator(texts[image]):
            continue  # no image: not a run
        detached = any(o == "--detach" or o.startswith("--detach=") for o in options) or any(
            re.fullmatch(r"-[a-zA-Z]+", o) and "d" in o for o in options
        )
        if not detached and "--rm" not in options:  # with --rm, the CLI returns after the removal
            return True
    return False


def chosen_names(commands: list[str]) -> set[str]:
    """Container names a page gives (`--name web_server`, `docker rename a b`)."""
    names: set[str] = set()
    for command in commands:
        names.update(_NAME.findall(command))
        names.update(_RENAME.findall(command))
    return names


def is_interactive_command(command: str) -> bool:
    """`docker run -it`, `docker exec -it`, `docker start -ai`: attached to a terminal, not detached."""
    try:
        words = shlex.split(command.splitlines()[0].rstrip("\\"))
    except ValueError:
        return False
    if (
        len(words) < 2
        or words[0] != "docker"
        or words[1] not in {"run", "exec", "start", "attach", "container"}
    ):
        return False
    flags = "".join(w[1:] for w in words if re.fullmatch(r"-[a-zA-Z]+", w))
    long = {w for w in words if w.startswith("--")}
    interactive = "i" in flags or "--interactive" in long or words[1] == "attach"
    tty = "t" in flags or "--tty" in long or words[1] in ("start", "attach")
    return interactive and tty and "d" not in flags and "--detach" not in long


def is_terminal_command(command: str) -> bool:
    """`docker build` (and `docker buildx build`, `docker image build`): BuildKit draws its
    progress for a terminal, so a learner's screen differs from a log file's lines."""
    first = command.splitlines()[0] if command else ""
    return re.match(r"^\s*docker\s+(?:buildx\s+|image\s+)?build\b", first) is not None


# Docker's management commands: `docker image inspect` is one command of two words.
_MANAGEMENT = frozenset({"builder", "buildx", "container", "context", "image", "network", "system", "volume"})


def docker_commands(text: str) -> list[str]:
    """The Docker commands a command line runs, as `docker SUBCOMMAND` (`docker image prune`,
    `docker --help`): also inside `$(...)`, after `time` or a pipe; never a container's own
    command (`docker run node docker ps` runs one `docker run`)."""
    words = _words(text)
    texts = [word for word, _, _ in words]
    containers = container_spans(text)
    found: list[str] = []
    for index, (word, start, _) in enumerate(words):
        if word != "docker" or not _starts_command(texts, index):
            continue
        if any(left <= start < right for left, right in containers):
            continue
        rest = texts[index + 1 :]
        if not rest or _is_separator(rest[0]):
            found.append("docker")
        elif (
            rest[0] in _MANAGEMENT
            and len(rest) > 1
            and not rest[1].startswith("-")
            and not _is_separator(rest[1])
        ):
            found.append(f"docker {rest[0]} {rest[1]}")
        else:
            found.append(f"docker {rest[0]}")  # also `docker --help`, `docker --version`
    return found
