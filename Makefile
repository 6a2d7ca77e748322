# The two commands a newcomer needs (each does all set-up on first run):
#   make serve   the course site on http://127.0.0.1:8000, reloading on every change
#   make test    every test: the goals app, its image, and every command on every page
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LOCK_GROUPS := test pdf lint tools  # pyproject's [dependency-groups], all locked and installed
# Two test workers per core: much of the suite waits (engines starting, builds, servers, a
# browser), and on 2 cores 4 workers ran it in 14 min 47 s against 2 workers' 18 min 57 s.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
PYTEST_ARGS ?= -n $(WORKERS) --dist loadfile  # a page (and a test module) stays on one worker
export NO_MKDOCS_2_WARNING := 1
# Python keeps what it compiles (__pycache__, git-ignored), whatever the shell says: a test run
# starts many Python processes (each nested pytest run, each site build), and with
# PYTHONDONTWRITEBYTECODE set (as on this project's machines) each compiled every module it
# imported again: a one-block page's pytest run took 5.3 CPU-s instead of 1.8 (make bench bytecode).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: help setup serve test images build pdf offline lint typecheck bench lock clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11, 5))' 2>/dev/null \
		|| { echo "error: Python >= 3.11.5 is needed as $(PYTHON) (found: $$($(PYTHON) --version 2>&1))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	@# uv installs the lock in ~3 s (pip: 25-45 s here). uv comes from the lock too, hash-checked
	@# by the venv's pip; where uv cannot reach an index (pip.conf mirrors are pip's: uv reads
	@# UV_INDEX_URL), pip installs the lock instead.
	$(BIN)/python -c 'import re; print(re.search(r"^uv==.*?(?=^\S|\Z)", open("requirements.lock").read(), re.M | re.S)[0])' > $(VENV)/uv.txt
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r $(VENV)/uv.txt
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode --require-hashes -r requirements.lock \
		|| { echo "uv could not install the lock (above); installing it with pip"; \
		     $(BIN)/python -m pip install -q --require-hashes -r requirements.lock; }
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode --no-deps --no-build-isolation -e .
	touch $@

setup: $(INSTALLED) ## create .venv: the locked dependencies (hash-checked), then this project editable

serve: $(INSTALLED) ## serve the site on http://127.0.0.1:8000 with live reload
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

images: ## start a Docker engine if none answers and provide the base images (node)
	$(PYTHON) -m provision all

test: $(INSTALLED) images ## run every test (starts Docker and builds base images if needed)
	$(BIN)/pytest $(PYTEST_ARGS) $(ARGS)

build: $(INSTALLED) ## build the site into site/ (strict: any warning fails)
	$(BIN)/mkdocs build --strict

pdf: $(INSTALLED) ## build the site and the offline books site/pdf/course-{ko,en}.pdf (+ maintainers-{ko,en}.pdf)
	$(PYTHON) -m provision browser
	COURSE_PDF=1 $(BIN)/mkdocs build --strict

offline: $(INSTALLED) ## build the site and the course for file:// as site/offline/docker-course-offline.zip
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m hooks.offline site

lint: $(INSTALLED) typecheck ## ruff and mypy over the Python code
	$(BIN)/ruff check docstest provision hooks tests bench conftest.py
	$(BIN)/ruff format --check docstest provision hooks tests bench conftest.py

typecheck: $(INSTALLED) ## mypy --strict over docstest, provision, hooks and bench ([tool.mypy])
	$(BIN)/mypy

bench: $(INSTALLED) ## measure provisioning, test and container figures (see docs/maintainers/benchmarks.md)
	$(BIN)/python -m bench $(ARGS)

lock: $(INSTALLED) ## re-resolve requirements.lock (hashes; today's pins kept) from pyproject.toml's ranges and groups
	$(BIN)/uv pip compile pyproject.toml $(LOCK_GROUPS:%=--group %) --generate-hashes \
		--python-version 3.11.5 --no-python-downloads --no-header --quiet --output-file requirements.lock

clean: ## remove the virtual environment, build output and caches
	rm -rf $(VENV) site .cache .pytest_cache .mypy_cache
