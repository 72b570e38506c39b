# Ferry's tasks. `make test` is what CI runs (.ci/run): it installs what the
# tests need and runs the whole suite.

CARGO ?= cargo

.PHONY: test lint bench bench-memory build release fmt

test:
	$(CARGO) test --workspace --locked --no-fail-fast

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
