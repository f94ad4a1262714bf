# The targets a newcomer needs. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types bench load serve docs clean team-demo team-bench team-load team-overhead chapter-bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)  ## build the demo network in its own SQLite database and print the tour
	$(BIN)/whoknows demo --size medium

test: $(STAMP) lint types  ## the whole suite: lint, types, tests (PostgreSQL ones when WHOKNOWS_TEST_POSTGRES_URL is set)
	$(BIN)/python -m pytest -n auto -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)  ## benchmarks (not tests); results in bench-results/ and docs/benchmarks.md
	$(BIN)/python benchmarks/graph_bench.py --sizes small,medium,large --out bench-results/graph.json
	$(BIN)/python benchmarks/import_bench.py --out bench-results/import.json
	$(BIN)/python benchmarks/review_bench.py --size medium --out bench-results/review.json

load: $(STAMP)  ## web load test (medium demo, 20 users, 1 write per 50 requests, 60 s, 3 runs); fails past its thresholds
	$(BIN)/python benchmarks/load.py --size medium --users 20 --write-every 50 --duration 60 --runs 3 --out bench-results/load.json

TEAM_DEMO_DB ?= postgresql+psycopg://postgres@127.0.0.1:5432/whoknows_team_demo
TEAM_DEMO_SIZE ?= large

team-demo: $(STAMP)  ## PostgreSQL as CI starts it, then a firm of 200 (1M people, 10M ties) and a chapter of 25
	.ci/postgres.sh
	$(BIN)/python -m whoknows.teamserver.demo --fresh --db $(TEAM_DEMO_DB) --size $(TEAM_DEMO_SIZE)

team-bench: $(STAMP)  ## team server benchmark on the team demo (run make team-demo first); bench-results/team.json
	$(BIN)/python benchmarks/team_bench.py --db $(TEAM_DEMO_DB) --users 100 --workers 4 --duration 30 --out bench-results/team.json

team-overhead: $(STAMP)  ## server CPU a question outside the path search, one at a time (BEFORE=other/src compares); bench-results/team-overhead.json
	$(BIN)/python benchmarks/team_overhead_bench.py --db $(TEAM_DEMO_DB) $(if $(BEFORE),--src $(BEFORE)) --src src --out bench-results/team-overhead.json

chapter-bench: $(STAMP)  ## a 25-member chapter with 2 years of history: the weekly close and the chapter pages; bench-results/chapter.json
	$(BIN)/python benchmarks/chapter_bench.py --repeat 40 --out bench-results/chapter.json

team-load: $(STAMP)  ## bounded load run on the team demo (100 users, 4 workers); fails past its thresholds
	$(BIN)/python benchmarks/team_load.py --db $(TEAM_DEMO_DB) --users 100 --workers 4 --duration 60

docs: $(STAMP)  ## regenerate docs/cli.md from the commands' help
	$(BIN)/python -m whoknows.cli.reference > docs/cli.md
	$(BIN)/python -m whoknows.cli.reference --write-help

serve: $(STAMP)
	$(BIN)/whoknows serve

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
