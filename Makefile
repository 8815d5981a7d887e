# hwcloud.roma developer entry points.  `make demo` and `make test` work on a fresh clone:
# every tool is installed into build/ by the targets below, nothing is assumed on the machine
# except Python 3.11 (and Python 3.12 for the newest ansible-core, the second leg of `make test`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# ansible-core version matrix.  Every leg has its own venv and collection tree (so its own
# ansible-test output); the first is the default and lives in build/, the others in build/core-X/.
# `make test` runs all of them; `make test-core CORE=2.21` runs sanity, units and integration on one.
CORES := 2.19 2.21
CORE ?= $(firstword $(CORES))
CORE_PYTHON_VERSION_2.19 := 3.11
CORE_PYTHON_VERSION_2.21 := 3.12
CORE_PYTHON_VERSION := $(CORE_PYTHON_VERSION_$(CORE))
$(if $(CORE_PYTHON_VERSION),,$(error CORE must be one of $(CORES); got $(CORE)))
# The interpreter of each leg's venv (override with e.g. `make PYTHON_2.21=/opt/py312/bin/python3`).
# PYENV_VERSION selects the interpreter where pyenv provides it and is ignored elsewhere.
PYTHON_2.19 ?= python3
PYTHON_2.21 ?= PYENV_VERSION=3.12 python3.12
PYTHON := $(PYTHON_$(CORE))

BUILD := $(CURDIR)/build
LEG := $(if $(filter $(CORE),$(firstword $(CORES))),$(BUILD),$(BUILD)/core-$(CORE))
VENV := $(LEG)/venv
BIN := $(VENV)/bin
# ansible-test insists on running from .../ansible_collections/<namespace>/<name>/
COLLECTIONS_ROOT := $(LEG)/collections
TREE := $(COLLECTIONS_ROOT)/ansible_collections/hwcloud/roma
ANSIBLE_TEST := cd $(TREE) && PATH=$(BIN):$$PATH $(BIN)/ansible-test
TEST_PYTHON_VERSION := $(CORE_PYTHON_VERSION)

.PHONY: help setup tree sanity sanity-run units units-run simulator-tests integration integration-run docs-examples docs-examples-run \
	test test-stages demo clean

help:
	@echo 'make demo   set up, start the bundled ROMA Connect simulator and run docs/demo.yml against it'
	@echo 'make simulator [PORT=8774]   run the simulator in the foreground for your own playbooks; prints the URL, demo account and export lines'
	@echo 'make test   set up and run every test (sanity, units, simulator, integration; lint, docs, changelog, tarball, EE, runner; then the other ansible-core legs)'
	@echo 'make test-extras   what `make test` runs besides the ansible-core legs: simulator tests, docs examples, ecosystem checks'
	@echo 'make test-core CORE=2.21   sanity, units and integration on one ansible-core of the matrix ($(CORES))'
	@echo 'make docs   render the collection docsite (HTML) into build/docs/html with antsibull-docs'
	@echo 'make lint   ruff (format and imports, ruff.toml) and ansible-lint (production profile) on the collection, docs/ playbooks and module EXAMPLES'
	@echo 'make format   format the Python code and sort its imports (ruff; pre-commit install runs it on each commit)'
	@echo 'make ee-check   check the execution-environment metadata with ansible-builder (no container runtime needed)'
	@echo 'make runner-check   run a job with ansible-runner as AWX / Automation Controller does (built tarball, simulator)'
	@echo 'make package   build the collection tarball into build/dist and install it into build/package'
	@echo 'make bench  benchmark fdi_composite_task against ansible.builtin.uri, and a password rotation under 50 running tasks against a loop, on the simulator (build/bench/results.json)'
	@echo 'make clean  remove build/ (virtual environments, collection tree, test output)'

$(BIN)/.installed: tools/requirements-dev.txt tools/requirements-core-$(CORE).txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r tools/requirements-dev.txt -r tools/requirements-core-$(CORE).txt
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

# Each test also has a `-run` form that uses the tree as it is: `make test` builds every tree once and then runs
# the tests side by side, which must not rebuild a tree under a running test.
# Sanity and units of one leg take turns (flock): ansible-test --venv builds one venv per tree
# (tests/output/.tmp/delegation/) and removes a half-built one, so two first runs side by side break each other.
ANSIBLE_TEST_VENV := cd $(TREE) && PATH=$(BIN):$$PATH flock $(LEG)/ansible-test-venv.lock $(BIN)/ansible-test
SANITY = $(ANSIBLE_TEST_VENV) sanity --venv --python $(TEST_PYTHON_VERSION) --color no
UNITS = $(ANSIBLE_TEST_VENV) units --venv --python $(TEST_PYTHON_VERSION) --color no
# INTEGRATION_TARGETS: targets or aliases (e.g. shippable/posix/group2/); empty is every target.  A failed target does
# not stop the ones after it (--continue-on-error): one run shows every failure.
INTEGRATION_TARGETS ?=
INTEGRATION = $(ANSIBLE_TEST) integration --local --python $(TEST_PYTHON_VERSION) --color no --continue-on-error $(INTEGRATION_TARGETS)

sanity: tree
	$(SANITY)
sanity-run:
	$(SANITY)

units: tree
	$(UNITS)
units-run:
	$(UNITS)

simulator-tests: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/simulator/tests

integration: tree
	$(INTEGRATION)
integration-run:
	$(INTEGRATION)

# `make test`: every stage below, TEST_JOBS at a time (make -j), each with its own log in build/logs/ and one line
# when it starts and ends (tools/stage.sh); then the time of every stage.  A failed stage does not stop the others
# (--keep-going): one run shows every failure.  On 2 cores 4 jobs pay: the integration
# targets mostly wait for the simulator's clocks and for ansible-playbook's start, while sanity's pylint computes.
# The legs' integration targets are split into the groups of their aliases (shippable/posix/groupN), which run side
# by side, each target with a simulator of its own.  `make -j1 test` (TEST_JOBS=1) runs the same stages one by one.
TEST_JOBS ?= 4
LOGS := $(BUILD)/logs
INTEGRATION_GROUPS := group1 group2 group3
STAGE := tools/stage.sh $(LOGS)
SUBMAKE := $(MAKE) --no-print-directory

test:
	rm -rf $(LOGS)
	mkdir -p $(LOGS)
	start=$$(date +%s); status=0; \
	$(SUBMAKE) -j$(TEST_JOBS) --keep-going test-stages || status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s in all; each stage (seconds, in the order they ended):"; \
	column -t -s $$'\t' $(LOGS)/times.tsv | sed 's/^/  /'; \
	exit $$status

# The longest chains first, so that they start first: the ecosystem checks (one after another where they share the
# tarball), then the integration groups.
test-stages: test-ecosystem $(foreach core,$(CORES),$(foreach group,$(INTEGRATION_GROUPS),test-integration-$(group)-$(core))) \
	$(foreach core,$(CORES),test-sanity-$(core) test-units-$(core)) test-docs-examples test-simulator

# The stages.  Targets named after a leg's ansible-core version are built by pattern (and not .PHONY, which would
# skip the pattern search); none of them is a file, and none is an intermediate file for make to remove afterwards.
.SECONDEXPANSION:
.SECONDARY:
test-tree-%:
	+@$(STAGE) tree-$* $(SUBMAKE) tree CORE=$*
test-sanity-%: test-tree-%
	+@$(STAGE) sanity-$* $(SUBMAKE) sanity-run CORE=$*
test-units-%: test-tree-%
	+@$(STAGE) units-$* $(SUBMAKE) units-run CORE=$*
# test-integration-GROUP-CORE
test-integration-%: test-tree-$$(lastword $$(subst -, ,$$*))
	+@$(STAGE) integration-$* $(SUBMAKE) integration-run CORE=$(lastword $(subst -, ,$*)) \
		INTEGRATION_TARGETS=shippable/posix/$(firstword $(subst -, ,$*))/
test-simulator: test-tree-$(firstword $(CORES))
	+@$(STAGE) simulator-tests $(SUBMAKE) simulator-tests
test-docs-examples: test-tree-$(firstword $(CORES))
	+@$(STAGE) docs-examples $(SUBMAKE) docs-examples-run
test-tools:
	+@$(STAGE) tools $(SUBMAKE) tools
test-ecosystem: test-tools test-tree-$(firstword $(CORES))
	+@$(STAGE) ecosystem $(SUBMAKE) ecosystem

demo: tree
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) PATH=$(BIN):$$PATH $(BIN)/python tools/run_demo.py

# The simulator in the foreground on a fixed port, for trying your own playbooks (README.md): prints the URL, the
# demo account and `export` lines for the modules' environment variables, after checking those lines work.
PORT := 8774
SERVE_SIMULATOR := $(BIN)/python tools/serve_simulator.py --collections-path $(COLLECTIONS_ROOT) --ansible-bin $(BIN)
simulator: tree
	$(SERVE_SIMULATOR) --port $(PORT)

# Performance (docs/performance.md): one task against ansible.builtin.uri (alternating rounds, median ratios), the
# time and imports of one module process, a password rotation under 50 running tasks against today's loop, requests per
# operation (`BENCH_ARGS=--many` adds the many-tasks comparison, about 7 minutes).  Not part of `make test` (timing);
# the request budget is checked there by an integration target.
BENCH_ARGS ?=
.PHONY: bench
bench: setup
	PATH=$(BIN):$$PATH $(BIN)/python tools/benchmark.py --output $(BUILD)/bench/results.json $(BENCH_ARGS)

# The guide's complete example playbooks must run, unchanged, against the simulator; so must the `export` lines
# `make simulator` prints (on a free port here, so a running `make simulator` does not get in the way).
# docs/replicate.yml as the guide's walk-through runs it: a dry run, the apply, a column change, the start.
RUN_REPLICATE := ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) PATH=$(BIN):$$PATH $(BIN)/python tools/run_demo.py \
	--playbook docs/replicate.yml --state-file $(BUILD)/replicate-state.json
docs-examples: tree
	$(SUBMAKE) docs-examples-run
docs-examples-run:
	ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS_ROOT) PATH=$(BIN):$$PATH $(BIN)/python tools/run_demo.py --playbook docs/lifecycle.yml \
		--state-file $(BUILD)/docs-examples-state.json
	$(SERVE_SIMULATOR) --check --port 0 --state-file $(BUILD)/simulator-check-state.json
	rm -f $(BUILD)/replicate-state.json
	$(RUN_REPLICATE) --check --diff
	$(RUN_REPLICATE) --diff
	$(RUN_REPLICATE) --diff -e '{"customer_columns": [{"source": "id"}, {"source": "name"}, {"source": "created_at"}]}'
	$(RUN_REPLICATE) -e replicate_state=started

clean:
	rm -rf $(BUILD) tests/output

# --- Ecosystem: lint, docs, changelog, the built tarball, execution environment -----------------
# These tools are heavy and independent of the ansible-core leg: one pinned venv, build/venv-tools.
TOOLS_PYTHON ?= python3
TOOLS_VENV := $(BUILD)/venv-tools
TOOLS_BIN := $(TOOLS_VENV)/bin
TOOLS_ENV := PATH=$(TOOLS_BIN):$$PATH
VERSION := $(shell sed -n 's/^version: *//p' galaxy.yml)
DIST := $(BUILD)/dist
TARBALL := $(DIST)/hwcloud-roma-$(VERSION).tar.gz
# The tarball, installed: what `package-test`, `docs` and `ee-check` use.
PACKAGE_COLLECTIONS := $(BUILD)/package/collections
# A link to the checkout, so ansible-lint resolves hwcloud.roma.* to the sources it lints.
LINT_COLLECTIONS := $(BUILD)/lint/collections

.PHONY: tools format lint docs-lint changelog-lint package package-test docs ee-check runner-check ecosystem test-core test-matrix \
	test-other-cores test-extras print-cores

$(TOOLS_BIN)/.installed: tools/requirements-tools.txt tools/constraints-tools.txt
	$(TOOLS_PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_BIN)/pip install --quiet --disable-pip-version-check -r tools/requirements-tools.txt
	touch $@

tools: $(TOOLS_BIN)/.installed

# ansible-lint, production profile (.ansible-lint): first bare, as a contributor, pre-commit or the
# ansible-lint GitHub Action runs it at the repository root (no ANSIBLE_* paths: ansible-lint installs this
# collection from galaxy.yml into .ansible/ itself; the daily schema download is skipped, the result must not
# depend on it); then --offline with the checkout linked onto the collection path; then every module's
# EXAMPLES and every playbook of the Markdown docs, as the playbooks a user would paste them into.
LINT_ENV_UNSET := -u ANSIBLE_HOME -u ANSIBLE_LIBRARY -u ANSIBLE_ROLES_PATH -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_COLLECTIONS_PATHS
lint: tools
	$(TOOLS_BIN)/ruff check --no-cache .
	$(TOOLS_BIN)/ruff format --no-cache --check .
	env $(LINT_ENV_UNSET) $(TOOLS_ENV) ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1 $(TOOLS_BIN)/ansible-lint --nocolor
	mkdir -p $(LINT_COLLECTIONS)/ansible_collections/hwcloud
	ln -sfn $(CURDIR) $(LINT_COLLECTIONS)/ansible_collections/hwcloud/roma
	$(TOOLS_ENV) ANSIBLE_COLLECTIONS_PATH=$(LINT_COLLECTIONS) $(TOOLS_BIN)/ansible-lint --nocolor --offline
	$(TOOLS_BIN)/python tools/extract_examples.py $(BUILD)/lint/examples
	$(TOOLS_ENV) ANSIBLE_COLLECTIONS_PATH=$(LINT_COLLECTIONS) $(TOOLS_BIN)/ansible-lint --nocolor --offline --enable-list args docs/*.yml $(BUILD)/lint/examples/*.yml

# The formatter and the import sorter (ruff.toml), on the whole tree; `make lint` checks that nothing is left to do.
# `pre-commit install` runs the same on each commit (.pre-commit-config.yaml).
format: tools
	$(TOOLS_BIN)/ruff check --no-cache --fix .
	$(TOOLS_BIN)/ruff format --no-cache .

# Plugin documentation (schema, markup, references, RST generation) as the Ansible docsite checks it.
docs-lint: tools
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all .

# The changelog fragments lint, and a release of $(VERSION) works (in a throw-away copy, so the
# fragments here are not consumed): build/changelog-release/CHANGELOG.rst.
changelog-lint: tools
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-changelog lint
	$(TOOLS_ENV) $(TOOLS_BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/check_changelog_release.py $(BUILD)/changelog-release

# The tarball users install: built with galaxy.yml's build_ignore, checked for debris, installed.
package: tools
	rm -rf $(DIST) $(PACKAGE_COLLECTIONS)
	$(TOOLS_BIN)/ansible-galaxy collection build --output-path $(DIST) .
	$(TOOLS_BIN)/python tools/check_package.py $(TARBALL)
	ANSIBLE_COLLECTIONS_PATH=$(PACKAGE_COLLECTIONS) $(TOOLS_BIN)/ansible-galaxy collection install --offline -p $(PACKAGE_COLLECTIONS) $(TARBALL)

# docs/demo.yml, run from the installed tarball (not the checkout) against the simulator.
package-test: setup package
	PATH=$(BIN):$$PATH $(BIN)/python tools/run_demo.py --collections-path $(PACKAGE_COLLECTIONS) --state-file $(BUILD)/package/demo-state.json

# The docsite of the installed tarball: build/docs/html/index.html.
docs: package
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/build_docsite.py --collections-path $(PACKAGE_COLLECTIONS) --dest $(BUILD)/docs

# meta/execution-environment.yml: ansible-builder writes a build context for docs/execution-environment.yml
# and finds the collection's Python requirements in the installed tarball.
ee-check: package
	$(TOOLS_ENV) $(TOOLS_BIN)/python tools/check_ee.py --definition docs/execution-environment.yml --collections-path $(PACKAGE_COLLECTIONS) --context $(BUILD)/ee

# A job run the way AWX / Automation Controller runs a job template (docs/guide.md, "Running in AWX / Automation
# Controller"): ansible_runner.run() in a private data directory laid out as the controller does, with the built tarball
# installed into it, against the simulator; the job's result, events, writes, and no secret in its artifacts; then the
# same job with a fault injected.  Process isolation is off: no container runtime needed.
runner-check: setup package
	PATH=$(BIN):$$PATH $(BIN)/python tools/runner_check.py --tarball $(TARBALL)

ecosystem: lint docs-lint changelog-lint package-test docs ee-check runner-check

# The version matrix: sanity, units and integration on one leg, on every leg, on the legs `test` did not run.
test-core: sanity units integration

test-matrix:
	for core in $(CORES); do $(MAKE) --no-print-directory test-core CORE=$$core; done

test-other-cores:
	for core in $(filter-out $(CORE),$(CORES)); do $(MAKE) --no-print-directory test-core CORE=$$core; done

# `make test` split for CI's parallel jobs (.github/workflows/ci.yml): one job per leg runs `make test-core CORE=...`
# (the legs from `make print-cores`), one job runs the rest.  Together they run exactly what `make test` runs.
test-extras: simulator-tests docs-examples ecosystem

# The legs as a JSON list, for the workflow's matrix: ["2.19","2.21"].
comma := ,
space := $(subst ,, )
print-cores:
	@echo '[$(subst $(space),$(comma),$(patsubst %,"%",$(CORES)))]'
