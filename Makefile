# `make site` sets up and builds the site; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test check serve lint lock chromium clean

# The pinned packages, each checked against the hashes in the requirements files: what is
# installed is exactly what was reviewed. `make lock` writes those files (see below).
PIP_INSTALL = $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes

# A stamp per requirements file: the venv is (re)installed when the pins change.
$(VENV)/.site-deps: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

# requirements-dev.txt holds the runtime packages too, at the same versions and hashes.
$(VENV)/.test-deps: requirements.txt requirements-dev.txt $(VENV)/.site-deps
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# `make lock` rewrites requirements*.txt from requirements*.in: the pins there and every
# package they need, each with the hashes of all its files on PyPI (so any platform and any
# Python from the oldest the project supports installs from them). Pins already in a .txt are
# kept unless an .in file asks for another version; `make lock LOCK_ARGS=--upgrade` takes the
# newest allowed of everything, `LOCK_ARGS="--upgrade-package NAME"` of one package.
# The tool, uv, is pinned and hashed in requirements-lock.txt and kept out of the project's
# packages, in .venv/lock-tools/.
LOCK_PYTHON ?= 3.11
LOCK_ARGS ?=
UV := $(VENV)/lock-tools/bin/uv
UV_COMPILE = $(UV) pip compile --quiet --generate-hashes --universal --python-version $(LOCK_PYTHON) \
	--custom-compile-command "make lock" $(LOCK_ARGS)

$(UV): requirements-lock.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --no-deps --upgrade --target $(VENV)/lock-tools -r requirements-lock.txt
	touch $@

lock: $(UV)
	$(UV_COMPILE) requirements-lock.in -o requirements-lock.txt
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

site: $(VENV)/.site-deps
	$(BIN)/python -m generator build

check: $(VENV)/.site-deps
	$(BIN)/python -m generator check

serve: $(VENV)/.site-deps
	$(BIN)/python -m generator serve

# Browser tests drive Debian's Chromium; as root this installs it when missing.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

# The accessibility audit injects axe-core (pinned in package-lock.json) into the pages.
node_modules/.package-lock.json: package.json package-lock.json
	@if ! command -v npm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	  else \
	    echo "The accessibility tests need npm: sudo apt-get install npm" >&2; exit 1; \
	  fi; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.test-deps chromium node_modules/.package-lock.json
	$(BIN)/python -m pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests
	$(BIN)/mypy generator

clean:
	rm -rf docs site .build
