# `make site` sets up and builds the site; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: site test check serve lint chromium clean

# A stamp per requirements file: the venv is (re)installed when the pins change.
$(VENV)/.site-deps: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements.txt requirements-dev.txt $(VENV)/.site-deps
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

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
