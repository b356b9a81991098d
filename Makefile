# Two commands do all set-up: `make run` and `make test` (see README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
ENGINE := $(VENV)/engine
APP := $(VENV)/app
ENGINE_STAMP := $(ENGINE)/.installed
APP_STAMP := $(APP)/.installed
WEB_STAMP := bot/web/node_modules/.installed
PIP_FLAGS := --quiet --disable-pip-version-check
MODEL := models/assistant.tar.gz
LOOKUPS := data/lookups/units.yml data/lookups/localities.yml
TRAINING_INPUTS := config.yml $(LOOKUPS) \
  $(shell find domain data bot/nlu knowledge/shared/text.py \( -name '*.yml' -o -name '*.py' \) -not -path 'data/lookups/*')

export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: help setup browser ocr train run test test-unit test-e2e lint format bench eval clean

help:
	@echo "make run    set up, train when needed, start the assistant (Rasa :5005, actions :5055, web :8000)"
	@echo "make test   set up, train when needed, run unit and end-to-end tests"
	@echo "make lint | format | train | bench | eval | clean"

setup: $(ENGINE_STAMP) $(APP_STAMP) $(WEB_STAMP) ocr

# Rasa 3.6.21 declares Python <3.11. On 3.11 we install its dependency set as resolved for 3.10
# (requirements/engine.txt, exact pins, no resolver), then rasa and its SDK without dependency checks.
$(ENGINE_STAMP): requirements/engine.txt
	@echo "==> engine environment (Rasa 3.6.21) in $(ENGINE)"
	test -x $(ENGINE)/bin/python || $(PYTHON) -m venv $(ENGINE)
	if $(ENGINE)/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	  $(ENGINE)/bin/pip install $(PIP_FLAGS) --no-deps -r requirements/engine.txt && \
	  $(ENGINE)/bin/pip install $(PIP_FLAGS) --no-deps --ignore-requires-python rasa==3.6.21 rasa-sdk==3.6.2; \
	else \
	  $(ENGINE)/bin/pip install $(PIP_FLAGS) rasa==3.6.21; \
	fi
	touch $@

$(APP_STAMP): requirements/app.lock pyproject.toml
	@echo "==> app environment in $(APP)"
	test -x $(APP)/bin/python || $(PYTHON) -m venv $(APP)
	$(APP)/bin/pip install $(PIP_FLAGS) -r requirements/app.lock
	$(APP)/bin/pip install $(PIP_FLAGS) --no-deps --no-build-isolation -e .
	touch $@

$(WEB_STAMP): bot/web/package.json bot/web/package-lock.json
	@echo "==> web widget dependencies"
	cd bot/web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser test drives Debian's Chromium (no browser download); root installs it with apt.
BROWSER := /usr/bin/chromium
browser: $(BROWSER)
$(BROWSER):
	@echo "==> Chromium for the browser test (Debian package)"
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	else echo "   skipped: not root or no apt-get; the browser test will be skipped"; fi

# Scanned plans are read by OCR with Debian's tesseract and its Vietnamese data; the reader tests
# build PDFs with Debian's DejaVu font. Root installs them with apt; elsewhere a scan gets a clear
# message and those tests are skipped.
OCR := /usr/bin/tesseract
OCR_VIE := /usr/share/tesseract-ocr/5/tessdata/vie.traineddata
ocr: $(OCR_VIE)
$(OCR_VIE):
	@echo "==> tesseract-ocr with Vietnamese data, DejaVu fonts (Debian packages)"
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  PKGS="tesseract-ocr tesseract-ocr-vie fonts-dejavu-core"; \
	  (apt-get install -y -qq $$PKGS >/dev/null 2>&1 || \
	   (apt-get update -qq && apt-get install -y -qq $$PKGS >/dev/null)) || \
	  echo "   skipped: apt-get could not install $$PKGS; scans will not be read"; \
	else echo "   skipped: not root or no apt-get; scanned plans will not be read (OCR)"; fi

train: $(MODEL)

# Unit and locality lookup tables for the NLU, generated from the knowledge base's unit registry.
$(LOOKUPS) &: $(APP_STAMP) knowledge/plans/units.yaml $(wildcard knowledge/plans/sources/*.yaml)
	$(APP)/bin/python -m knowledge lookups --out data/lookups

# flock: one training at a time even when several shells run make.
$(MODEL): $(ENGINE_STAMP) $(TRAINING_INPUTS)
	@echo "==> training the Rasa model"
	mkdir -p models
	flock models/.train.lock $(ENGINE)/bin/rasa train --config config.yml --domain domain \
	  --data data --out models --fixed-model-name assistant
	touch $@

run: setup train
	$(APP)/bin/python -m bot.launcher

test: setup browser train
	$(APP)/bin/pytest

test-unit: $(APP_STAMP)
	$(APP)/bin/pytest -m "not e2e"

test-e2e: setup browser train
	$(APP)/bin/pytest -m e2e

lint: $(APP_STAMP)
	$(APP)/bin/ruff check .
	$(APP)/bin/ruff format --check .
	$(APP)/bin/mypy

format: $(APP_STAMP)
	$(APP)/bin/ruff check --fix .
	$(APP)/bin/ruff format .

# Our stack against stock `rasa init` on this machine, plus NLU and knowledge-base numbers
# (bench/results.json; see bench/README.md). Takes about 15 minutes.
bench: setup train
	$(APP)/bin/python -m bench.run_bench

# The question bank (tests/eval/) through the running assistant: correct, confidently wrong,
# clarified, abstained, per answer type and document (bench/eval_results.json, bench/README.md).
eval: setup train
	$(APP)/bin/python -m bench.run_eval --mode rest

clean:
	rm -rf models var .pytest_cache .ruff_cache
