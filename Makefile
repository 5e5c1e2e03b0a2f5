# Two entry points (see README): `make demo` runs the main job, `make test` the whole test suite.
# Each sets everything up first in a local virtual environment (.venv), so a fresh clone needs only
# Python 3.10+ and make.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make demo` needs only the library (`pip install .` runs every lesson); `make test` also the test
# tools (pytest, hypothesis, playwright, nbclient, micrograd, scikit-learn) and the `png` extra.
$(VENV)/.installed-core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-core

setup: $(VENV)/.installed-dev

demo: $(VENV)/.installed-core
	$(BIN)/python -m chainrule.demos

test: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest -n 2

# Each script prints its own figures; benchmarks/README.md records them and says how they were run.
bench: setup
	$(BIN)/python benchmarks/bench_scalar.py
	$(BIN)/python benchmarks/bench_engine.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_tensor.py
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=1 $(BIN)/python benchmarks/bench_cnn.py
	$(BIN)/python benchmarks/bench_nn.py
	$(BIN)/python benchmarks/bench_viz.py
	$(BIN)/python benchmarks/bench_viewer.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_playground.py
	$(BIN)/python benchmarks/load_playground.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache chainrule-out
