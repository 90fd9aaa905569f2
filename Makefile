# Intake: `make run` serves a development instance; `make test` runs every test tier.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRANSLATIONS := intake/translations
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint translations extract-messages clean bench bench-host security wheel

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d $(TRANSLATIONS)

run: $(STAMP) translations
	INTAKE_ENV=development $(BIN)/flask --app wsgi intake init
	$(if $(filter 0,$(DEMO)),,INTAKE_ENV=development $(BIN)/flask --app wsgi intake demo-data)
	INTAKE_ENV=development $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check intake tests bench security config.py wsgi.py hatch_build.py
	$(BIN)/mypy intake

test: $(STAMP) translations lint
	$(BIN)/python tests/tiers.py

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o $(TRANSLATIONS)/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l en --no-wrap --ignore-obsolete

clean:
	rm -rf $(VENV) instance .hypothesis dist

# The package an operator installs (README "Production"): dist/intake-*.whl, with the
# templates, migrations, gunicorn settings and compiled translations inside.
wheel: $(STAMP)
	$(BIN)/pip wheel --no-deps --no-build-isolation --wheel-dir dist .

# Benchmark (issue 8): see README "Benchmark". Writes docs/benchmarks.md.
# Quick run: make bench BENCH_SIZES=2000 BENCH_DURATION=3
bench: $(STAMP)
	BENCH_SIZES="$(BENCH_SIZES)" BENCH_DURATION="$(BENCH_DURATION)" $(BIN)/python -m bench.run

# A host of many organisations: see README "Benchmark". Writes docs/benchmarks-host.md.
# Quick run: make bench-host BENCH_HOST_ORGS=100 BENCH_HOST_CASES=5000 BENCH_DURATION=3
bench-host: $(STAMP)
	BENCH_HOST_ORGS="$(BENCH_HOST_ORGS)" BENCH_HOST_CASES="$(BENCH_HOST_CASES)" BENCH_DURATION="$(BENCH_DURATION)" $(BIN)/python -m bench.host

# Security scan (issue 9): bandit, then sqlmap against a running instance (needs sqlmap and
# the PostgreSQL server binaries). Writes docs/security.md; exit status 1 on any finding.
security: $(STAMP) translations
	$(BIN)/python -m security.scan
