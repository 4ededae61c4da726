# The two commands: `make run` (set up and start the assistant) and `make test` (set up and test);
# `make check` is the one-minute loop while working (lint, format check, the tests that need no server).
SHELL := /bin/bash
.DEFAULT_GOAL := run
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

VENV := .venv
PY := $(VENV)/bin/python
RUFF := $(VENV)/bin/ruff
RASA := $(VENV)/bin/rasa
# rasa 3.6 needs Python 3.10: the newest pyenv 3.10, else a python3.10 on PATH that really runs
# (a pyenv shim may exist without the version being selected).
PYTHON310 ?= $(shell for candidate in $$(ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | sort -rV) python3.10; do \
	"$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { command -v "$$candidate"; break; }; done)
MODEL := models/oem-odm-advisor.tar.gz
KNOWLEDGE := build/knowledge.stamp
SPACY_MODEL := build/spacy_model/meta.json
NLU_DATA := $(shell find data -name '*.yml' -not -name knowledge_terms.yml)
WEB_WIDGET := web/node_modules/rasa-webchat/lib/index.js
CHROMIUM := /usr/bin/chromium
# The cluster profile's servers, from Debian's packages (Debian 12 ships PostgreSQL 15).
CLUSTER_PROGRAMS := /usr/lib/postgresql/15/bin/postgres /usr/bin/redis-server /usr/sbin/nginx
# A quiet console: each set-up step is one line ("Training the model (about a minute)… done in 41 s");
# the tools' own output goes to build/logs/<step>.log, and its last lines are shown when a step fails.
LOGS := build/logs
# launcher/step.py needs only the standard library: any Python runs it, before the venv exists too.
STEP = @$(firstword $(wildcard $(PY)) $(PYTHON310) python3) -m launcher.step

.PHONY: run test check setup knowledge nlp train validate web browser clean run-cluster cluster-deps bench purge-trackers report

$(VENV)/installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install it (pyenv install 3.10.13) or set PYTHON310=/path/to/python3.10"; exit 1; }
	$(STEP) "Installing dependencies (a few minutes the first time)" $(LOGS)/install.log -- \
		bash -c 'set -e; test -x $(PY) || $(PYTHON310) -m venv $(VENV); \
		$(PY) -m pip install "pip<25" "setuptools==70.3.0" wheel; $(PY) -m pip install -c constraints.txt -e ".[test]"'
	@touch $@

setup: $(VENV)/installed

# The knowledge store, rebuilt when the source copy, the factor catalogue or the ingest code change.
$(KNOWLEDGE): data/knowledge/oem_odm_toys.md data/knowledge/factors.yml advisor/knowledge/ingest.py advisor/knowledge/store.py | $(VENV)/installed
	$(STEP) "Building the knowledge store" $(LOGS)/knowledge.log -- $(PY) -m advisor.knowledge.ingest
	@touch $@

knowledge: $(KNOWLEDGE)

# The spaCy pipeline and NLU synonyms depend on the catalogue's words, not on cell texts:
# changing a figure in the source needs no retraining.
$(SPACY_MODEL): data/knowledge/factors.yml data/knowledge/vocabulary.yml advisor/understanding/spacy_model.py advisor/vocabulary.py | $(KNOWLEDGE)
	$(STEP) "Building the spaCy pipeline" $(LOGS)/nlp.log -- $(PY) -m advisor.understanding.spacy_model

nlp: $(SPACY_MODEL)

$(MODEL): config.yml domain.yml $(NLU_DATA) $(SPACY_MODEL)
	$(STEP) "Training the model (about a minute)" $(LOGS)/train.log -- \
		$(RASA) train --fixed-model-name oem-odm-advisor --out models
	@touch $@

train: $(MODEL)

# The chat page's widget (rasa-webchat), from the npm registry at the locked version.
$(WEB_WIDGET): web/package.json web/package-lock.json
	$(STEP) "Installing the chat widget (npm)" $(LOGS)/web.log -- \
		bash -c 'cd web && npm ci --ignore-scripts --no-audit --no-fund'
	@touch $@

web: $(WEB_WIDGET)

# The web chat tests' browser: Debian's chromium (needs root for apt-get).
$(CHROMIUM):
	$(STEP) "Installing chromium (apt-get)" $(LOGS)/apt.log -- bash -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium'

browser: $(CHROMIUM)

# PostgreSQL, Redis and nginx for the cluster profile and its tests (needs root for apt-get;
# the packages' own services are not used: cluster/profile.py runs private ones on loopback).
$(CLUSTER_PROGRAMS) &:
	$(STEP) "Installing PostgreSQL, Redis and nginx (apt-get)" $(LOGS)/apt.log -- bash -c \
		'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		postgresql redis-server nginx-light'

cluster-deps: $(CLUSTER_PROGRAMS)

# Two Rasa instances + the action server on PostgreSQL + Redis behind nginx (http://127.0.0.1:8080).
run-cluster: $(MODEL) $(KNOWLEDGE) $(WEB_WIDGET) $(CLUSTER_PROGRAMS)
	$(PY) -m cluster.profile

run: $(MODEL) $(KNOWLEDGE) $(WEB_WIDGET)
	@$(PY) -m launcher.serve

# Benchmarks (about 15 minutes; results in build/bench/): understanding on the held-out set and the
# out-of-scope set with cross-validation, latency/throughput/memory against the stock `rasa init`
# assistant in the same run, cold training time; then the README's table.
bench: $(MODEL) $(KNOWLEDGE) $(WEB_WIDGET)
	$(PY) -m bench.nlu_eval --cross-validation 3
	$(PY) -m bench.blind
	$(PY) -m bench.load
	$(PY) -m bench.flood
	$(PY) -m bench.footprint
	$(PY) -m bench.charts
	$(PY) -m bench.report_data
	$(PY) -m bench.report

# Data retention: delete conversations idle for more than TRACKER_RETENTION_DAYS (default 90; DAYS=... overrides);
# SENDER=<sender id> deletes that one conversation (a buyer's request to be forgotten).
purge-trackers: $(VENV)/installed
	@$(PY) -m operations.purge_trackers $(if $(DAYS),--days $(DAYS)) $(if $(SENDER),--sender '$(SENDER)')

# How the assistant is doing, from the tracker store: the last 30 days (DAYS=7 for another period;
# HTML=build/report.html also writes a page with charts).
report: $(VENV)/installed
	@$(PY) -m operations.usage_report $(if $(DAYS),--days $(DAYS)) $(if $(HTML),--html $(HTML))

validate: $(SPACY_MODEL)
	$(RASA) data validate --fail-on-warnings

test: $(MODEL) $(KNOWLEDGE) $(WEB_WIDGET) $(CHROMIUM) $(CLUSTER_PROGRAMS)
	$(PY) -m pytest -p no:cacheprovider -ra

# Under a minute on a set-up checkout: ruff (lint and format check, configured in pyproject.toml) and the
# tests that need no server and no trained model (tests/unit, tests/actions). All three run; any failure fails.
check: $(KNOWLEDGE) $(SPACY_MODEL)
	@status=0; \
	$(RUFF) check . || status=1; \
	$(RUFF) format --check --output-format concise . || status=1; \
	$(PY) -m pytest -p no:cacheprovider -q tests/unit tests/actions || status=1; \
	exit $$status

clean:
	rm -rf build models/*.tar.gz .rasa results data/nlu/knowledge_terms.yml
