# hwcloud.roma developer entry points.  `make demo` and `make test` work on a fresh clone:
# every tool is installed into build/ by the targets below, nothing is assumed on the machine
# except Python 3.11 (and Python 3.12 for the newest ansible-core in `make test-matrix`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
BUILD := $(CURDIR)/build
VENV := $(BUILD)/venv
BIN := $(VENV)/bin
# ansible-test insists on running from .../ansible_collections/<namespace>/<name>/
COLLECTIONS_ROOT := $(BUILD)/collections
TREE := $(COLLECTIONS_ROOT)/ansible_collections/hwcloud/roma
ANSIBLE_TEST := cd $(TREE) && PATH=$(BIN):$$PATH $(BIN)/ansible-test
TEST_PYTHON_VERSION := 3.11

.PHONY: help setup tree sanity units simulator-tests integration test demo clean

help:
	@echo 'make demo   set up, start the bundled ROMA Connect simulator and run docs/demo.yml against it'
	@echo 'make test   set up and run every test (sanity, units, simulator, integration)'
	@echo 'make clean  remove build/ (virtual environments, collection tree, test output)'

$(BIN)/.installed: tools/requirements-dev.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r tools/requirements-dev.txt
	touch $@

setup: $(BIN)/.installed
	$(BIN)/python tools/install_get_pip_stand_in.py

# A copy of the tracked (and new, not ignored) files, so ansible-test sees a clean collection.
# The copy gets a git repository of its own: without one, ansible-test would ask the checkout's
# git, which ignores build/ and so reports no files at all.
# tests/output/ survives, so ansible-test's cached environments are reused between runs.
tree: setup
	mkdir -p $(TREE)
	find $(TREE) -mindepth 1 -maxdepth 1 ! -name tests ! -name .git -exec rm -rf {} +
	[ ! -d $(TREE)/tests ] || find $(TREE)/tests -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +
	git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -cf - -T - 2>/dev/null | tar -xf - -C $(TREE)
	[ -d $(TREE)/.git ] || git -C $(TREE) init --quiet

sanity: tree
	$(ANSIBLE_TEST) sanity --venv --python $(TEST_PYTHON_VERSION) --color no

units: tree
	$(ANSIBLE_TEST) units --venv --python $(TEST_PYTHON_VERSION) --color no

simulator-tests: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/simulator/tests

integration: tree
	$(ANSIBLE_TEST) integration --local --python $(TEST_PYTHON_VERSION) --color no

test: sanity units simulator-tests integration

demo: tree
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) PATH=$(BIN):$$PATH $(BIN)/python tools/run_demo.py

clean:
	rm -rf $(BUILD) tests/output
