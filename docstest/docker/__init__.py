"""The Docker dialect: what the course's `docker` commands mean to the CLI-agnostic core.

A pytest plugin of its own (`docstest_docker`), which docstest.plugin registers unless it is
blocked (`-p no:docstest_docker`). It answers `pytest_docstest_dialect` with DockerDialect
(dialect.py), built from: commands (what part of a command line runs in a container, which
commands take the terminal, names a page chooses), normalise (IDs, digests, times, sizes,
`docker ps`/`docker images` tables, BuildKit's screen) and scope (private engines per test
worker and cleanup of what a page made). plugin.py holds its pytest hooks. It uses only the
core's public names; the core never imports it.
"""
