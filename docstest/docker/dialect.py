"""DockerDialect: the answers of docstest/dialect.py's questions for `docker` commands."""

from __future__ import annotations

from ..dialect import Dialect

__all__ = ["DOCKER", "DockerDialect"]


class DockerDialect(Dialect):
    """Docker's commands, output and engines, as the course's pages use them."""


DOCKER = DockerDialect()
