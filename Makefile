# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint bench messages clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes. Running the product needs only its own dependencies;
# the tests add theirs (pytest, Playwright, pyspark for the linkage engine's Spark backend...).
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed-run
	$(BIN)/gugus migrate --noinput
	$(BIN)/gugus load-regions
	$(BIN)/gugus demo-data
	GUGUS_DEMO=1 $(BIN)/gugus runserver $(HOST)

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# One benchmark at a time, e.g. `make bench BENCH=linkage BENCH_ARGS="--records 100000"`
# (linkage, watch, registry, stats, portal_load); each writes its own section of docs/benchmarks.md.
BENCH ?= linkage
bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench.$(BENCH) $(BENCH_ARGS)

# Refreshes the Indonesian catalogue from the source strings and compiles it (needs GNU gettext).
messages: $(VENV)/.installed
	cd gugus && ../$(BIN)/gugus makemessages -l id --ignore "tests/*" && ../$(BIN)/gugus compilemessages -l id

clean-venv:
	rm -rf $(VENV)
