# Ferry's tasks. `make test` is what CI runs (.ci/run): it installs what the
# tests need and runs the whole suite.

CARGO ?= cargo
PYTHON ?= python3

.PHONY: test aws-e2e browser-test screenshots chromium npm poppler lint lambda bench bench-bins bench-memory load build release fmt .venv

# The SAM template through cfn-lint (offline, ~2 s, from .venv), then the
# Rust tests (the AWS ones against moto, also started from .venv), then the
# template's stack on the emulator (aws-e2e: ~3 min, on the test build just
# made), then the dashboard in a real browser (tests/browser).
test: .venv/.stamp .venv/.browser-stamp chromium poppler
	.venv/bin/cfn-lint infra/template.yaml
	$(CARGO) test --workspace --locked --no-fail-fast
	$(MAKE) aws-e2e
	$(MAKE) browser-test

# infra/template.yaml as deployed: the SAM transform (aws-sam-translator, in
# infra/e2e/.venv), the stack created in moto, the template's rules checked,
# Ferry's whole flow through the four handlers configured only from the
# stack (tests/aws/deployed), and every AWS call each function made checked
# against its role's policy, every statement against the calls
# (infra/e2e/run.py says how). Reuses the `aws` test binary `make test` builds.
aws-e2e: .venv/.stamp infra/e2e/.venv/.stamp
	CARGO="$(CARGO)" .venv/bin/python infra/e2e/run.py infra/e2e/.venv/bin/python

infra/e2e/.venv/.stamp: infra/e2e/requirements.txt
	$(PYTHON) -m venv infra/e2e/.venv
	infra/e2e/.venv/bin/pip install --disable-pip-version-check --quiet -r infra/e2e/requirements.txt
	touch $@

# The debug `ferry` binary the browser tests start (on a free port, with a
# temporary data dir and FERRY_ADMIN_KEY), then pytest + Playwright driving
# Debian's Chromium. pytest's exit code is make's.
FERRY_BIN ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/debug/ferry

browser-test: .venv/.browser-stamp chromium
	$(CARGO) build --locked -p ferry-local
	FERRY_BIN=$(FERRY_BIN) .venv/bin/python -m pytest -q -p no:cacheprovider tests/browser

# docs/dashboard.png, docs/schedule-form.png, docs/pdf-page.png, docs/summary-mail.png and the
# 390 px phone pictures (docs/phone-schedules.png, docs/phone-history.png) for the README, with the
# same tooling (not part of `make test`).
screenshots: .venv/.browser-stamp chromium poppler
	$(CARGO) build --locked -p ferry-local
	FERRY_BIN=$(FERRY_BIN) .venv/bin/python tests/browser/screenshots.py docs/dashboard.png
	FERRY_BIN=$(FERRY_BIN) .venv/bin/python tests/browser/report_pictures.py docs

# Debian's Chromium, which Playwright drives (it downloads no browser of its own).
chromium:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }

# Debian's npm, which installs axe-core for the browser tests.
npm:
	@command -v npm >/dev/null || { apt-get update && apt-get install -y npm; }

# Debian's poppler-utils: the PDF tests read Ferry's PDFs with pdftotext,
# pdfinfo and pdffonts, and README pictures come from pdftoppm.
poppler:
	@test -x /usr/bin/pdftotext || { apt-get update && apt-get install -y poppler-utils; }

# axe-core (tests/browser/package.json, pinned in its lock file) is loaded
# into pages by the tests only; Ferry never serves it.
.venv/.browser-stamp: tests/browser/requirements.txt tests/browser/package-lock.json .venv/.stamp | npm
	.venv/bin/pip install --disable-pip-version-check --quiet -r tests/browser/requirements.txt
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

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

# The four Lambda functions for arm64 (provided.al2023), each a `bootstrap`
# under target/lambda/<name>/. Needs cargo-lambda (`pip install cargo-lambda`,
# which brings zig for the cross-linking). `sam build` runs the same through
# the template's rust-cargolambda build method. Not part of `make test`.
lambda:
	$(CARGO) lambda build --release --arm64 --locked \
		-p ferry-api -p ferry-trigger -p ferry-export -p ferry-deliver
	@for f in api trigger export deliver; do \
		b=$${CARGO_TARGET_DIR:-target}/lambda/ferry-$$f/bootstrap; \
		test -x $$b || { echo "missing $$b"; exit 1; }; \
		file $$b | grep -q aarch64 || { echo "$$b is not an arm64 binary"; exit 1; }; \
		ls -l $$b; \
	done

# Peak memory and rows/s of `ferry export` at 1M and 10M rows (and the XLSX sheet roll-over at full size; PDF at 10k and 100k rows).
bench-memory: release
	$(PYTHON) bench/export_memory.py
	$(PYTHON) bench/xlsx_rollover.py
	$(PYTHON) bench/pdf_memory.py

# `make bench`: Ferry's writers side by side with pyarrow, pandas, Python's csv
# and json modules, XlsxWriter and openpyxl on the same rows (every output read
# back value by value), `ferry export` end to end (rows/s, peak RSS at 1M and 10M
# rows) and the server's export start latency; prints the commit and machine and
# the tables BENCHMARKS.md quotes, with the targets' verdicts (bench/run.py says how). The peers live in bench/.venv, installed again only
# when bench/requirements.txt changes. `make test` never runs any of this.
bench: release bench-bins bench/.venv/.stamp
	bench/.venv/bin/python bench/run.py
	$(PYTHON) bench/xlsx_rollover.py
	$(PYTHON) bench/pdf_memory.py

# `make load`: wrk (apt-get install wrk) against the release `ferry serve`, 50
# connections for 60 s over 20 users, mixing export lists, status, starts and
# downloads with report lists (bench/load.py, bench/load.lua); prints req/s,
# p50/p99/p99.9 latency, statuses by class, where every export came from and the
# server's RSS before, during and after. Fails on any 5xx, socket error or 4xx
# other than the expected 409/429, exports that do not add up, or RSS still
# rising. LOAD_DURATION=10 for a quick check. Not part of `make test`.
load: release
	$(PYTHON) bench/load.py

bench-bins:
	$(CARGO) build --release --locked -p ferry-formats --features bench --bin ferry-format-bench

bench/.venv/.stamp: bench/requirements.txt
	$(PYTHON) -m venv bench/.venv
	bench/.venv/bin/pip install --disable-pip-version-check --quiet -r bench/requirements.txt
	touch $@

fmt:
	$(CARGO) fmt --all
