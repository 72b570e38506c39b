# Ferry's tasks. `make test` is what CI runs (.ci/run): it installs what the
# tests need and runs the whole suite.

CARGO ?= cargo
PYTHON ?= python3

.PHONY: test lint bench bench-memory build release fmt .venv

test: .venv/.stamp
	$(CARGO) test --workspace --locked --no-fail-fast

# Peers the tests start on 127.0.0.1 and that we did not write (asyncssh's SFTP
# server, aiosmtpd), in the virtualenv the tests look for at .venv/bin/python
# (FERRY_TEST_PYTHON overrides). Installed again only when the pins change: the
# stamp is older than tests/peers/requirements.txt then.
.venv: .venv/.stamp

.venv/.stamp: tests/peers/requirements.txt
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --disable-pip-version-check --quiet -r tests/peers/requirements.txt
	touch $@

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

build:
	$(CARGO) build --workspace --locked

release:
	$(CARGO) build --release --locked -p ferry-local

# Peak memory and rows/s of `ferry export` at 1M and 10M rows (and the XLSX sheet roll-over at full size).
bench-memory: release
	python3 bench/export_memory.py
	python3 bench/xlsx_rollover.py

bench: bench-memory

fmt:
	$(CARGO) fmt --all
