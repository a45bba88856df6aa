# negtrack — `make` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DEMO_DB ?= demo.db
SHARED ?= ../shared

.DEFAULT_GOAL := help
.PHONY: help install demo test eval eval-dates bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-11s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(BIN)/.installed ## Create .venv and install negtrack with its test extras

demo: install ## Add the shipped samples to ./demo.db, print a timeline and the status table
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/negtrack --db $(DEMO_DB) add data/samples/russia-nato-2022
	$(BIN)/negtrack --db $(DEMO_DB) add data/samples/us-debt-ceiling-2023 --codebook us-debt-ceiling-2023
	$(BIN)/negtrack --db $(DEMO_DB) timeline --issue nato-expansion --issue security-guarantees
	$(BIN)/negtrack --db $(DEMO_DB) status

test: install ## Install and run the test suite
	$(BIN)/python -m pytest -q

eval: install ## Score extraction end to end (add, export, score) on the gold positions in ../shared
	$(BIN)/python scripts/eval_cli.py --shared $(SHARED)

eval-dates: install ## Score the date tagger on TimeBank/AQUAINT (reads ../shared when present)
	$(BIN)/python scripts/eval_dates.py --shared $(SHARED)

# spaCy (the ingest reference) lives in its own venv: beside negtrack its numpy
# and pydantic would be imported by sqlite-utils and typer and slow negtrack down.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[bench]'
	@touch $@

bench: install $(BENCH_VENV)/.installed ## Print throughput and latency figures (BENCH_ARGS="--full" for 100k articles)
	$(BIN)/python scripts/bench.py --shared $(SHARED) --spacy-python $(BENCH_VENV)/bin/python $(BENCH_ARGS)

clean: ## Remove the venv, caches and the demo store
	rm -rf $(VENV) .venv-bench .pytest_cache .hypothesis build dist *.egg-info $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
