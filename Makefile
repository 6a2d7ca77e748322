# The two commands a newcomer needs (each does all set-up on first run):
#   make serve   the course site on http://127.0.0.1:8000, reloading on every change
#   make test    every test: the goals app, its image, and every command on every page
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?= -n 2 --dist loadfile  # a page (and a test module) stays on one worker
export NO_MKDOCS_2_WARNING := 1

.PHONY: help setup serve test images build pdf lint bench lock clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
		|| { echo "error: Python >= 3.11 is needed as $(PYTHON) (found: $$($(PYTHON) --version 2>&1))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	touch $@

setup: $(INSTALLED) ## create .venv with the pinned dependencies

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

lint: $(INSTALLED) ## ruff over the Python code
	$(BIN)/ruff check provision hooks tests bench conftest.py
	$(BIN)/ruff format --check provision hooks tests bench conftest.py

bench: $(INSTALLED) ## measure provisioning, test and container figures (see docs/maintainers/benchmarks.md)
	$(BIN)/python -m bench $(ARGS)

lock: ## re-resolve requirements.lock from pyproject.toml's ranges
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q .
	.lock-venv/bin/pip freeze --exclude docker-course > requirements.lock
	rm -rf .lock-venv

clean: ## remove the virtual environment, build output and caches
	rm -rf $(VENV) site .cache .pytest_cache
