# nbrun: two commands do everything on a fresh Debian machine:
#   make demo   installs what nbrun needs, builds it and renders the notebooks whose data is here or
#               can be downloaded (the flagship among them), naming any it skipped
#   make test   runs the whole test suite (unit, end-to-end, browser, tutorials)

SWIFT      ?= swift
NOTEBOOK   ?= notebooks/softmax-regression.md
OUT        ?= output
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libcmark-dev zlib1g-dev libcurl4 dataset-fashion-mnist fonts-lmodern fonts-noto-cjk chromium time bc
NBRUN      := .build/release/nbrun

.PHONY: deps build release demo render test bench bench-cache fuzz clean

deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null
	python3 -m pip install --quiet --disable-pip-version-check pypng || true

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

demo: deps release
	bash scripts/demo.sh $(NBRUN) $(OUT)

render:
	$(NBRUN) render notebooks/*.md -o $(OUT)

test: deps
	$(SWIFT) test
	$(SWIFT) build -c release
	bash Tests/tutorials/run.sh $(NBRUN)

bench: release
	bash bench/run.sh

bench-cache: release
	bash bench/cache.sh

# Fuzzing: each libFuzzer harness for FUZZ_SECONDS, seeded from the notebooks and test fixtures.
FUZZ_SECONDS ?= 600
FUZZ_CORPUS  := .build-fuzz/corpus
fuzz:
	NBRUN_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address
	mkdir -p $(FUZZ_CORPUS)/notebook $(FUZZ_CORPUS)/idx $(FUZZ_CORPUS)/tex .build-fuzz/crashes
	cp notebooks/*.md Tests/NotebookRunnerTests/Fixtures/*.md $(FUZZ_CORPUS)/notebook/
	python3 -c 'import struct,gzip; d=struct.pack(">IIII",2051,2,2,2)+bytes(range(8)); open("$(FUZZ_CORPUS)/idx/images","wb").write(d); open("$(FUZZ_CORPUS)/idx/images.gz","wb").write(gzip.compress(d)); open("$(FUZZ_CORPUS)/idx/labels","wb").write(struct.pack(">II",2049,2)+bytes([3,7]))'
	grep -v '^#' Tests/TeXMathTests/Fixtures/golden-cases.txt | awk -F' [|] ' 'NF==3 {print $$3 > "$(FUZZ_CORPUS)/tex/case" NR}'
	for harness in notebook-parser:notebook idx-reader:idx tex:tex; do \
	  .build-fuzz/debug/fuzz-$${harness%%:*} $(FUZZ_CORPUS)/$${harness##*:} -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
	    -timeout=10 -artifact_prefix=.build-fuzz/crashes/$${harness%%:*}- || exit 1; \
	done

clean:
	rm -rf .build $(OUT)/*.html $(OUT)/*.json
