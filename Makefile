# The CAN re-ID harness. `make test` builds in release mode and runs every test;
# `make bench` prints the training core's speed against raw sgemm.
SWIFT ?= swift
SWIFT_BUILD_FLAGS ?= -c release
REID := .build/release/reid
# Tables: the registry profile (smoke, ci, paper), where tables and runs are written, and the
# data root the datasets are read from (synthetic ones are generated there on first use).
PROFILE ?= ci
RESULTS ?= Results
DATA_ROOT ?= data
export DATA_ROOT
# System libraries: pkg-config names, and the Debian packages that provide them.
PKG_CONFIG_NAMES := openblas hdf5 libpng16 libturbojpeg ompi-c
APT_PACKAGES := pkg-config libopenblas-dev libhdf5-dev libpng-dev libturbojpeg0-dev hdf5-tools \
	libopenmpi-dev openmpi-bin slurm-wlm slurm-client slurmctld slurmd munge libdnnl-dev \
	libxml2-utils gcc

.PHONY: all deps check-deps build test test-tsan test-cluster bench bench-scale bench-compare lint format clean \
	table1 table2 table3 tables check-tables

all: build

## deps: install the Debian packages (as root, or through sudo).
deps:
	@if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "make deps: run as root or install sudo; packages: $(APT_PACKAGES)" >&2; exit 1; fi; \
	$$sudo apt-get update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES)

## check-deps: run `deps` only when a library, h5dump, xmllint (the figure tests' SVG check)
## or oneDNN (reid-bench's reference convolution; no pkg-config file) is missing.
check-deps:
	@missing=; \
	for p in $(PKG_CONFIG_NAMES); do \
	  command -v pkg-config >/dev/null 2>&1 && pkg-config --exists $$p || missing="$$missing $$p"; \
	done; \
	command -v h5dump >/dev/null 2>&1 || missing="$$missing h5dump"; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing xmllint"; \
	command -v gcc >/dev/null 2>&1 || missing="$$missing gcc"; \
	[ -f /usr/include/oneapi/dnnl/dnnl.h ] || missing="$$missing oneDNN"; \
	if [ -n "$$missing" ]; then echo "Missing:$$missing; installing with make deps"; $(MAKE) deps; fi

build: check-deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

test: check-deps
	$(SWIFT) test $(SWIFT_BUILD_FLAGS)
	$(MAKE) test-tsan

## test-tsan: the kernel-thread pool's C code under ThreadSanitizer (gcc's: the Swift
## toolchain's clang runtime wants libdispatch), a stress of passes, a competing caller and
## resizes; a race or a wrong count fails it.
test-tsan:
	mkdir -p .build
	gcc -std=c11 -O1 -g -fsanitize=thread -march=x86-64-v3 -ISources/CKernelThreads/include \
	  Tests/ThreadSanitizer/pool_stress.c Sources/CKernelThreads/kernel_threads.c \
	  -o .build/pool_stress_tsan -lpthread
	TSAN_OPTIONS=halt_on_error=1 .build/pool_stress_tsan

## test-cluster: the tests against real OpenMPI (mpirun: 1, 2 and 4 processes give the same
## bits; a killed rank; bad process counts) and a local Slurm (scripts/slurm-local.sh).
test-cluster: build
	scripts/test-cluster.sh

## bench-scale: 1 process x 2 threads against 2 MPI processes x 1 thread on the same shards:
## step time, img/s, and the time and bytes per step of the exchanges (scripts/bench-scale.sh).
bench-scale: build
	scripts/bench-scale.sh

bench: check-deps
	$(SWIFT) run $(SWIFT_BUILD_FLAGS) reid-bench

## bench-compare: whole-model training steps, ours then PyTorch (scripts/bench_pytorch.py,
## needs torch and torchvision) back to back for each model and shape in turn, so that both
## sides of a ratio see the same machine load, and the ratio ours / PyTorch. Ours runs under
## each OpenBLAS kernel family of BENCH_CORE_TYPES: Haswell (the tables' pinned default) and,
## on a CPU with AVX-512 (which PyTorch's oneDNN uses), SkylakeX. Each model and shape is
## timed BENCH_ROUNDS times in a row (ours, PyTorch, ours, PyTorch, ...); the table at the end
## (scripts/bench_ratios.py) gives every round's ratio and their median, the figure to quote
## on a machine whose speed drifts (one round's ratio has been off by 0.2-0.3 here).
BENCH_MODELS ?= densenet121 inception_v3
BENCH_SHAPES ?= 256x128x8 748x246x13
# Timed steps per shape, after a warm-up step; the median is quoted (3: a true median).
BENCH_STEPS ?= 3
BENCH_ROUNDS ?= 3
BENCH_CORE_TYPES ?= Haswell $(if $(shell grep -m1 -ow avx512f /proc/cpuinfo 2>/dev/null),SkylakeX)
bench-compare: check-deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS) --product reid-bench
	set -e; rm -f .build/bench-compare.txt; \
	for model in $(BENCH_MODELS); do for shape in $(BENCH_SHAPES); do \
	for round in $$(seq $(BENCH_ROUNDS)); do \
	  for core in $(BENCH_CORE_TYPES); do \
	    $(SWIFT) run $(SWIFT_BUILD_FLAGS) --skip-build reid-bench --core-type $$core \
	      --only models --models $$model --model-shapes $$shape --model-steps $(BENCH_STEPS) \
	      > .build/bench-models-$$core.txt; \
	    grep '^| '"$$model" .build/bench-models-$$core.txt | sed "s/^/$$core /"; \
	  done; \
	  (cd scripts && python3 bench_pytorch.py --models $$model --shapes $$shape \
	    --steps $(BENCH_STEPS) \
	    $(foreach core,$(BENCH_CORE_TYPES),--compare ../.build/bench-models-$(core).txt)) \
	    | tee -a .build/bench-compare.txt; \
	done; done; done; \
	echo; echo "ours / PyTorch ($(BENCH_ROUNDS) rounds):"; \
	python3 scripts/bench_ratios.py .build/bench-compare.txt

## table1, table2, table3: train and evaluate what the table needs (cached runs are
## skipped, interrupted ones resume; JOBS at a time), then write $(RESULTS)/tableN.md and
## its figures. SET overrides config keys for every run, e.g. SET="blas.core_type=SkylakeX"
## (AVX-512 kernels: faster, other bits, so other run ids than the committed results;
## docs/blas.md).
SET ?=
# Runs trained at once, each in its own process (the same bits as one at a time): at the ci
# scale one training process keeps about one of the two cores busy.
JOBS ?= 2
table1 table2 table3: build
	$(REID) table $@ --profile $(PROFILE) --results $(RESULTS) --jobs $(JOBS) \
	  $(foreach s,$(SET),--set $(s))

tables: table1 table2 table3

## check-tables: the committed tables (with their claims sections) equal what the committed
## results render, and the committed CMC and training-curve figures equal what they draw.
check-tables: build
	@for t in table1 table2 table3; do \
	  $(REID) table $$t --profile ci --from-cache --results Results --output - \
	    | diff -u Results/$$t.md - || { echo "Results/$$t.md is stale: run make $$t" >&2; exit 1; }; \
	done; echo "committed tables match the committed results"
	@drawn=$$(mktemp -d); trap 'rm -rf "$$drawn"' EXIT; \
	for t in table1 table2 table3; do \
	  $(REID) figures $$t --profile ci --results Results --kinds cmc,training --output "$$drawn" \
	    2>"$$drawn/log" || { cat "$$drawn/log" >&2; exit 1; }; \
	done; \
	for f in $$(cd "$$drawn" && find . -name '*.svg' | sort); do \
	  cmp -s "$$drawn/$$f" "Results/figures/$$f" \
	    || { echo "Results/figures/$${f#./} is stale: run make tables" >&2; exit 1; }; \
	done; \
	for f in $$(cd Results/figures && find . -name '*.svg' | sort); do \
	  [ -f "$$drawn/$$f" ] \
	    || { echo "Results/figures/$${f#./} is drawn by no table: remove it" >&2; exit 1; }; \
	done; echo "committed figures match the committed results"

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests

clean:
	rm -rf .build
