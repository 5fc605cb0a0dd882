# Poshtiban: `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# Some pip configurations warn about every missing local index; keep the set-up log readable.
QUIET_PIP := 2>&1 | { grep -v '^WARNING: Location' || true; }
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LAUNCH := $(PY) -m helpdesk.launch
# Two workers: the suite is I/O-bound on PostgreSQL and this is a 2-core machine. loadgroup keeps
# the CPU-heavy tests (browser, worker kill) on one of them (tests/conftest.py).
PYTEST_ARGS ?= -n 2 --dist loadgroup
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Test runs are production-like (DEBUG off) but over plain HTTP on the test client.
TEST_ENV := DEBUG=0 SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef \
	SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 POSHTIBAN_VAR_DIR=$(CURDIR)/var/test

.PHONY: run test bench setup assets messages check-deploy clean browser-deps

run: setup
	@$(LAUNCH) run

test: setup browser-deps
	@mkdir -p var/test test-output
	@$(TEST_ENV) $(LAUNCH) exec -- $(PY) -m pytest $(PYTEST_ARGS)

# The portal's throughput is measured with wrk, installed like the browser tests' Chromium.
bench: setup
	@bash scripts/system_packages.sh wrk
	@$(LAUNCH) exec -- $(PY) -m bench all

setup: $(VENV)/.installed static/vendor/.installed

$(VENV)/.installed: requirements.txt
	@echo "==> Creating $(VENV) and installing requirements.txt"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip $(QUIET_PIP)
	@$(PY) -m pip install -q -r requirements.txt $(QUIET_PIP)
	@touch $@

static/vendor/.installed: package.json scripts/vendor_assets.sh
	@echo "==> Installing front-end assets from the npm registry into static/vendor"
	@bash scripts/vendor_assets.sh
	@touch $@

# Browser tests drive Debian's Chromium; install it when we may (root), else they skip loudly.
browser-deps:
	@bash scripts/system_packages.sh chromium dovecot-imapd

messages: setup
	@cd $(CURDIR) && DEBUG=1 DATABASE_URL=postgres://unused/x REDIS_URL=redis://unused $(PY) manage.py makemessages -l fa --no-location -i '.venv/*' -i 'var/*' -i 'bench/*'
	@cd $(CURDIR) && DEBUG=1 DATABASE_URL=postgres://unused/x REDIS_URL=redis://unused $(PY) manage.py compilemessages -l fa -i '.venv' -i 'var'

check-deploy: setup
	@DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=helpdesk.example.com \
		$(LAUNCH) exec -- $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) static/vendor staticfiles var
