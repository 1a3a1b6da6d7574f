# The two commands of the README. Each runs scripts/setup.sh first (quick when done).
PY := .venv/bin/python

.PHONY: demo test test-slow lint setup lock docker-check
demo: setup
	.venv/bin/frontc checklist resnet50_v1b -o checklist_out --force

test: setup
	$(PY) -m pytest -q -m "not slow" -n 2 --dist loadfile

test-slow: setup
	$(PY) -m pytest -q -m slow -n 2 --dist loadfile

lint: setup
	.venv/bin/ruff check frontc tests examples bench

setup:
	@bash scripts/setup.sh

lock: setup
	$(PY) -m pip freeze --exclude-editable | grep -v -e '^foolbox' | sed 's/+cpu//' > requirements.lock

# Lint the Dockerfile with hadolint (from requirements.lock); build it too where a container engine runs.
docker-check: setup
	.venv/bin/hadolint Dockerfile
	@if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then docker build -t frontc .; \
	else echo "docker-check: no container engine here; the Dockerfile was linted (hadolint), not built"; fi
