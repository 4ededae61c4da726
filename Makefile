# The two commands: `make run` (set up and start the assistant) and `make test` (set up and test).
SHELL := /bin/bash
.DEFAULT_GOAL := run
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_DB ?= build/trackers.db

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# rasa 3.6 needs Python 3.10: take python3.10 from PATH, else pyenv's.
PYTHON310 ?= $(shell command -v python3.10 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | tail -n 1)
MODEL := models/oem-odm-advisor.tar.gz
KNOWLEDGE := build/knowledge.stamp
SPACY_MODEL := build/spacy_model/meta.json
NLU_DATA := $(shell find data -name '*.yml' -not -name knowledge_terms.yml)

.PHONY: run test setup knowledge nlp train validate clean

$(VENV)/installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install it (pyenv install 3.10.13) or set PYTHON310=/path/to/python3.10"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<25" setuptools wheel
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

setup: $(VENV)/installed

# The knowledge store, rebuilt when the source copy, the factor catalogue or the ingest code change.
$(KNOWLEDGE): data/knowledge/oem_odm_toys.md data/knowledge/factors.yml actions/ingest.py actions/store.py | $(VENV)/installed
	$(PY) -m actions.ingest
	touch $@

knowledge: $(KNOWLEDGE)

# The spaCy pipeline and NLU synonyms depend on the catalogue's words, not on cell texts:
# changing a figure in the source needs no retraining.
$(SPACY_MODEL): data/knowledge/factors.yml actions/spacy_model.py | $(KNOWLEDGE)
	$(PY) -m actions.spacy_model

nlp: $(SPACY_MODEL)

$(MODEL): config.yml domain.yml $(NLU_DATA) $(SPACY_MODEL)
	$(RASA) train --fixed-model-name oem-odm-advisor --out models
	touch $@

train: $(MODEL)

run: $(MODEL) $(KNOWLEDGE)
	$(PY) scripts/serve.py

validate: $(SPACY_MODEL)
	$(RASA) data validate --fail-on-warnings

test: $(MODEL) $(KNOWLEDGE)
	$(PY) -m pytest -p no:cacheprovider -ra

clean:
	rm -rf build models/*.tar.gz .rasa results data/nlu/knowledge_terms.yml
