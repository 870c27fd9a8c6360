# The two commands a new user needs (see README):
#   make demo   set up, then run the whole pipeline on the bundled sample company
#   make test   set up, then run the test suite
.PHONY: setup demo test lint

setup:
	./scripts/setup.sh

demo: setup
	.venv/bin/forge demo

test: setup
	.venv/bin/python -m pytest -q

lint: setup
	.venv/bin/ruff check .
