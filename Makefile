# sessionlab.tomcat_ha: `make lab` builds the local lab and runs the experiments; `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_FORCE_COLOR ?= $(if $(CI),0,1)
export PY_COLORS ?= $(if $(CI),0,1)
# How many labs make lab and make faults run side by side (each five containers). On 2 cores Ansible and the
# JVMs already use the CPU: two labs took 10m17s for make lab where one took about as long, so one is the default.
LAB_PARALLEL ?= 1
export LAB_PARALLEL
# Mitogen accelerates the lab's and the Molecule scenarios' playbook runs: the strategy mitogen_linear, from the
# pinned mitogen in .venv. On by default, since the whole make test passes with it; MITOGEN=0 turns it off.
# Only for these targets: Mitogen never finishes an async job outside a play that sets strategy linear
# (verify.yml's do), and the unit tests run the async pattern a user's playbook would. The collection never
# needs it, and users' ansible-playbook runs without it.
MITOGEN ?= 1
MITOGEN_TARGETS := lab faults lab-up molecule
ifeq ($(MITOGEN),1)
$(MITOGEN_TARGETS): export ANSIBLE_STRATEGY := mitogen_linear
$(MITOGEN_TARGETS): export ANSIBLE_STRATEGY_PLUGINS = $(shell $(BIN)/python -c 'import ansible_mitogen, os; print(os.path.dirname(ansible_mitogen.__file__))' 2>/dev/null)/plugins/strategy
endif
# How make lab, make faults and lab-up reach the lab hosts: docker (through the Docker engine, as root) or ssh
# (the user deploy with the lab's key and sudo, host keys checked: the path real hosts take). The ssh Molecule
# scenario always uses ssh.
LAB_CONNECTION ?= docker
export LAB_CONNECTION
# The Debian release of the lab hosts: bookworm (12) or trixie (13); each has its own image. The trixie Molecule
# scenario always uses trixie.
LAB_RELEASE ?= bookworm
export LAB_RELEASE
# Screenshots of the test page in headless Chromium for the report page (make lab SCREENSHOTS=0: none).
SCREENSHOTS ?= 1
export SCREENSHOTS
BROWSER_TOOLS := $(if $(filter 0,$(SCREENSHOTS)),,browser)
# make lab REPEAT=3 runs each experiment three times and reports any verdict that changed between its runs;
# BUSY=2 keeps two CPU workers of stress-ng busy the whole time (a busy machine). Both work for make faults too.
export REPEAT BUSY
BUSY_TOOLS := $(if $(filter-out 0,$(BUSY)),busy-tools)
# make molecule runs the scenarios in MOLECULE_LANES lanes side by side, each on a lab of its own; each lane takes
# the next scenario of SCENARIOS when its last is done, so SCENARIOS lists the longest first.
MOLECULE_LANES ?= 2
export MOLECULE_LANES
SCENARIOS ?= changes apps store ssh four_backends trixie lab default nginx_sticky_cluster httpd_sticky ip_hash haproxy balancer_role

.PHONY: help prereq venv busy-tools browser apps image lab lab-app faults lab-up lab-down test lint unit unit-nginx unit-browser sanity build molecule-deps molecule bench docs clean

help: ## list the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

prereq: ## make sure the Docker engine (and test tools) are there; start or install them when possible
	@scripts/prereq.sh --test

$(VENV)/.installed: requirements.txt
	@PYTHON=$(PYTHON) scripts/prereq.sh --venv
	@echo "venv: installing pinned tools into $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

venv: $(VENV)/.installed ## create .venv from requirements.txt (reused while unchanged)

$(VENV)/.browser: requirements-browser.txt $(VENV)/.installed
	@scripts/prereq.sh --browser
	@echo "venv: installing Playwright into $(VENV) (it drives Debian's chromium; no browser is downloaded)"
	@$(BIN)/pip install --quiet -r requirements-browser.txt
	@touch $@

busy-tools:
	@scripts/prereq.sh --busy

browser: $(VENV)/.browser ## Debian's chromium and the pinned Playwright: screenshots and the report page's test

apps: venv ## build the test applications (build/apps/*.war) from lab/apps with Debian's JDK, offline
	@scripts/prereq.sh --apps
	@python lab/apps/build.py

image: prereq ## build the base and lab images (of LAB_RELEASE) when missing or changed
	@lab/images/build.sh >/dev/null

lab-up: venv image ## start the five lab hosts and print their addresses
	@ansible-playbook lab/playbooks/lab_up.yml

lab: venv image apps $(BROWSER_TOOLS) $(BUSY_TOOLS) ## build the lab, run every experiment under load, write lab-report/index.html
	@python -m lab $(if $(ONLY),$(addprefix --only ,$(ONLY)))

faults: venv image $(BROWSER_TOOLS) $(BUSY_TOOLS) ## run the fault matrix (setups x faults of lab/experiments.yml) under load
	@python -m lab --faults $(if $(ONLY),$(addprefix --only ,$(ONLY)))

lab-app: venv image $(BROWSER_TOOLS) $(BUSY_TOOLS) ## your WAR in the lab: make lab-app WAR=app.war FLOW=flow.yml [CONTEXT=/app] [HEALTH=/health] [CLASSES='com\.example\..*']
	@python -m lab --app "$(WAR)" --flow "$(FLOW)" $(if $(CONTEXT),--context "$(CONTEXT)") $(if $(HEALTH),--health "$(HEALTH)") $(foreach c,$(CLASSES),--session-classes '$(c)')

lab-down: venv ## remove the lab's containers and network (nothing else)
	@ansible-playbook lab/playbooks/lab_down.yml -e lab_all=true

test: ## lint, build, unit tests (all three), sanity, Molecule scenarios (the lab images built meanwhile)
	@scripts/test_all.sh

lint: venv ## yamllint, ansible-lint (production profile, offline), antsibull-docs, antsibull-changelog, ruff
	yamllint --strict .
	@# ansible-lint finds collections in ANSIBLE_HOME first, where Molecule installs this one: a copy from an
	@# earlier run would hide a new plugin of the checkout. Its own empty home makes it read the checkout.
	ANSIBLE_HOME=$(CURDIR)/.cache/ansible-lint ansible-lint --offline
	@# The plugins' and roles' documentation: schema, markup, references to this collection and ansible.builtin.
	antsibull-docs lint-collection-docs --plugin-docs --output-format simplified-rst \
	  --validate-collection-refs dependent --disallow-unknown-collection-refs .
	@# The changelog: every fragment in changelogs/fragments/ and changelogs/changelog.yaml, by their schema.
	antsibull-changelog lint
	antsibull-changelog lint-changelog-yaml --strict changelogs/changelog.yaml
	ruff check .
	ruff format --check .
	@# The real-hosts inventory is only syntax-checked and listed here: its hosts are never contacted.
	ansible-playbook -i inventories/lab site.yml --syntax-check
	ansible-playbook -i inventories/lab site.yml --list-hosts
	ansible-playbook -i inventories/lab playbooks/verify.yml --syntax-check
	ansible-playbook -i inventories/lab playbooks/uninstall.yml --syntax-check

build: venv ## build the collection tarball and check nothing but the collection went in
	@rm -rf build/dist && mkdir -p build/dist
	ansible-galaxy collection build --force --output-path build/dist
	@scripts/check_build.sh build/dist/sessionlab-tomcat_ha-*.tar.gz

# The unit tests that need a tool beyond .venv carry its marker (pytest.ini): make unit leaves them out, and the
# tool's target installs the tool and runs them.
UNIT_TESTS := tests/unit lab/tests

unit: venv ## pytest: the tests that need only .venv (plugins, roles, playbook vars, docs, the lab's report)
	pytest $(UNIT_TESTS) -m "not nginx and not browser" -n auto --dist loadfile

unit-nginx: venv prereq ## pytest: the tests against a real nginx on loopback (hash predictions, routes, load rate)
	pytest $(UNIT_TESTS) -m nginx

unit-browser: venv browser ## pytest: the report page in headless Chromium
	pytest $(UNIT_TESTS) -m browser

sanity: venv ## ansible-test sanity, offline
	scripts/sanity.sh

# What the scenarios of SCENARIOS need: the lab image, the shop's WARs for the apps scenario, built from lab/apps, and
# the Debian 13 image for the trixie scenario. make test builds these in the background while its other gates run.
molecule-deps: venv image $(if $(filter apps,$(SCENARIOS)),apps)
	$(if $(filter trixie,$(SCENARIOS)),@LAB_RELEASE=trixie lab/images/build.sh >/dev/null)

molecule: molecule-deps ## Molecule scenarios (SCENARIOS="lab default ...", MOLECULE_LANES=2 side by side)
	@python scripts/molecule_all.py $(SCENARIOS)

bench: venv image ## benchmarks: the last make lab, make faults and make molecule against their floors, probe and load generator speed, playbook times against their floors, the session store's cost per request (figures, not pass/fail)
	python scripts/bench_targets.py
	python scripts/bench_probe.py
	python scripts/bench_load.py
	python scripts/bench_lab.py
	python scripts/bench_lab.py --paths
	python scripts/bench_store.py

docs: venv ## regenerate docs/reference (antsibull-docs), the results summaries (docs/results) from a complete run in lab-report/, and the docs' generated blocks
	scripts/gen_docs.sh
	python -m scripts.doc_blocks

clean: lab-down ## remove the lab, build outputs and reports (keeps images and .venv)
	rm -rf build lab-report .pytest_cache .ruff_cache
