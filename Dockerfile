# frontc in a container: the same set-up script as the README's commands.
#   docker build -t frontc . && docker run --rm frontc            (runs `make demo`)
#   docker run --rm frontc make test
# Checked without an engine by `make docker-check` (hadolint; a real build too where docker runs).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends make=4.3-4.1 && rm -rf /var/lib/apt/lists/*
# CPU-only torch: without this index, torch==2.13.0 comes with several GB of CUDA packages.
ENV PIP_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu
WORKDIR /opt/frontc
COPY . .
RUN bash scripts/setup.sh
ENV PATH=/opt/frontc/.venv/bin:$PATH
CMD ["make", "demo"]
