"""Provisioning for the course: a Docker engine, a local registry and offline base images.

The course runs `docker run node` and `FROM node`, but the machines it is tested on may
reach no container registry. This package makes such a machine look like one that does:
it starts an engine when none answers, builds stand-in base images from Debian packages
when a real pull fails, and serves them from a local registry configured as the engine's
Docker Hub mirror, so the lecture's pull story happens for real.

Everything here uses the standard library only, so it runs before any dependency is
installed, and the same code serves `make images`, `make test` and the docs-as-tests
plugin (which starts private engines per test worker).
"""
