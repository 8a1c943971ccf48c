# nbrun: two commands do everything on a fresh Debian machine:
#   make demo   installs what nbrun needs, builds it and renders the notebooks whose data is here or
#               can be downloaded (the flagship among them), naming any it skipped
#   make test   runs the whole test suite (unit, end-to-end, browser, tutorials)

SWIFT      ?= swift
NOTEBOOK   ?= notebooks/softmax-regression.md
OUT        ?= output
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libcmark-dev zlib1g-dev libopenblas-dev libcurl4 dataset-fashion-mnist fonts-lmodern fonts-noto-cjk chromium poppler-utils time bc strace libzmq3-dev python3-ipykernel python3-numpy python3-matplotlib
NBRUN      := .build/release/nbrun

# CPU tuning for release builds, like -march=native, passed on the command line so the
# package itself stays portable (no unsafeFlags: other packages can depend on NotebookRunner
# and TeXMath). Swift's default x86-64 target is SSE2 without fused multiply-add, which makes
# training ~2.5x slower. With AVX2 and FMA (every x86-64 server and desktop CPU since 2013)
# the build targets Haswell and defines FUSED_MULTIPLY_ADD; with AVX-512 it targets
# skylake-avx512 with 512-bit vectors (LLVM prefers 256 otherwise) and WIDE_VECTORS (ten
# classes' sums in registers). Such a binary needs such a CPU. NBRUN_CPU=haswell (any LLVM
# CPU name) overrides the choice; NBRUN_CPU=none builds portably. `make -s tuning-flags` prints them.
CPU_FLAGS  := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has_cpu     = $(filter $(1),$(CPU_FLAGS))
ARCH       := $(shell uname -m)
ifneq ($(NBRUN_CPU),)
  ifeq ($(NBRUN_CPU),none)
    TUNING :=
  else
    TUNING := -Xswiftc -target-cpu -Xswiftc $(NBRUN_CPU) -Xswiftc -DFUSED_MULTIPLY_ADD
  endif
else ifeq ($(ARCH),x86_64)
  ifneq ($(and $(call has_cpu,avx512f),$(call has_cpu,avx512cd),$(call has_cpu,avx512bw),$(call has_cpu,avx512dq),$(call has_cpu,avx512vl)),)
    TUNING := -Xswiftc -target-cpu -Xswiftc skylake-avx512 \
              $(foreach f,-Xcc -Xclang -Xcc -target-feature -Xcc -Xclang -Xcc -prefer-256-bit,-Xswiftc $(f)) \
              -Xswiftc -DFUSED_MULTIPLY_ADD -Xswiftc -DWIDE_VECTORS
  else ifneq ($(and $(call has_cpu,avx2),$(call has_cpu,fma)),)
    TUNING := -Xswiftc -target-cpu -Xswiftc haswell -Xswiftc -DFUSED_MULTIPLY_ADD
  else
    TUNING :=
  endif
else
  # arm64 has fused multiply-add in its base instruction set (Package.swift defines it there).
  TUNING :=
endif
# On every CPU: C's square root without errno, so Swift's `squareRoot()` (a C shim on Linux)
# becomes one vector instruction instead of a call per value that may set errno (Adam's step
# took 18 % of the MLP's time). The result is the same correctly rounded root.
TUNING     += -Xswiftc -Xcc -Xswiftc -fno-math-errno
RELEASE    := $(SWIFT) build -c release $(TUNING) --product nbrun
export NBRUN_SWIFT_TUNING := $(TUNING)

.PHONY: deps build release demo render test bench bench-mlp bench-lenet bench-cache bench-scale bench-quantecon bench-book math-gallery tuning-flags fuzz clean

deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null
	python3 -m pip install --quiet --disable-pip-version-check pypng || true

build:
	$(SWIFT) build

release:
	$(RELEASE)

tuning-flags:
	@echo $(TUNING)

demo: deps release
	bash scripts/demo.sh $(NBRUN) $(OUT)

render:
	$(NBRUN) render notebooks/*.md -o $(OUT)

test: deps
	$(SWIFT) test
	$(RELEASE)
	bash Tests/tutorials/run.sh $(NBRUN)

bench: release
	bash bench/run.sh

bench-cache: release
	bash bench/cache.sh

bench-mlp: release
	MNIST=1 bash bench/mlp.sh

bench-lenet: release
	MNIST=1 bash bench/lenet.sh

bench-scale: release
	bash bench/scale.sh

# Four QuantEcon lectures executed by nbrun and by jupyter nbconvert (needs jupytext, nbconvert).
bench-quantecon: release
	bash bench/quantecon.sh

bench-book: release
	bash bench/book.sh

# A page of every golden TeX case (and a screenshot), for review after re-recording golden.txt.
math-gallery:
	$(SWIFT) build --product texmath-gallery
	.build/debug/texmath-gallery Tests/TeXMathTests/Fixtures/golden-cases.txt $(OUT)/math-gallery.html
	chromium --headless --no-sandbox --hide-scrollbars --screenshot=$(OUT)/math-gallery.png \
	  --window-size=1100,3300 file://$(abspath $(OUT))/math-gallery.html

# Fuzzing: each libFuzzer harness for FUZZ_SECONDS (FUZZ_HARNESSES picks some), seeded from the
# notebooks, test fixtures, Sources/Fuzz/Seeds and long, deeply nested generated seeds, with dictionaries of directive, expression
# and HTTP request syntax (preview-request: bytes a client sends `nbrun preview`). Swift code gets coverage counters only with -sanitize-coverage (-sanitize=fuzzer alone
# instruments the C libraries). Inputs up to FUZZ_MAX_LEN bytes (deep nesting needs tens of KB);
# whole renders run under -rss_limit_mb. Leak checks are off (the Swift runtime keeps caches). Crashes land in .build-fuzz/crashes/; the run fails if any harness crashed.
FUZZ_SECONDS   ?= 600
FUZZ_MAX_LEN   ?= 65536
FUZZ_HARNESSES ?= notebook-parser idx-reader tex expression render model preview-request bibtex
FUZZ_CORPUS    := .build-fuzz/corpus
FUZZ_DICT      := Sources/Fuzz/Dictionaries
fuzz:
	for harness in $(FUZZ_HARNESSES); do \
	  NBRUN_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --sanitize=fuzzer --sanitize=address \
	    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table --product fuzz-$$harness || exit 1; \
	done
	mkdir -p $(FUZZ_CORPUS)/notebook $(FUZZ_CORPUS)/idx $(FUZZ_CORPUS)/tex $(FUZZ_CORPUS)/expression $(FUZZ_CORPUS)/render $(FUZZ_CORPUS)/model $(FUZZ_CORPUS)/preview-request $(FUZZ_CORPUS)/bibtex .build-fuzz/crashes
	cp notebooks/*.md Tests/NotebookRunnerTests/Fixtures/*.md Sources/Fuzz/Seeds/render/*.md $(FUZZ_CORPUS)/notebook/
	cp Sources/Fuzz/Seeds/render/*.md $(FUZZ_CORPUS)/render/
	cp Sources/Fuzz/Seeds/expression/* $(FUZZ_CORPUS)/expression/
	cp Sources/Fuzz/Seeds/model/* $(FUZZ_CORPUS)/model/
	cp Sources/Fuzz/Seeds/preview-request/* $(FUZZ_CORPUS)/preview-request/
	cp Sources/Fuzz/Seeds/bibtex/* $(FUZZ_CORPUS)/bibtex/
	cat $(FUZZ_DICT)/expression.dict $(FUZZ_DICT)/model.dict > .build-fuzz/model.dict
	cat $(FUZZ_DICT)/notebook.dict $(FUZZ_DICT)/expression.dict > .build-fuzz/notebook-and-expression.dict
	python3 -c 'import struct,gzip; d=struct.pack(">IIII",2051,2,2,2)+bytes(range(8)); open("$(FUZZ_CORPUS)/idx/images","wb").write(d); open("$(FUZZ_CORPUS)/idx/images.gz","wb").write(gzip.compress(d)); open("$(FUZZ_CORPUS)/idx/labels","wb").write(struct.pack(">II",2049,2)+bytes([3,7]))'
	python3 Sources/Fuzz/Seeds/make-deep-seeds.py $(FUZZ_CORPUS)
	grep -v '^#' Tests/TeXMathTests/Fixtures/golden-cases.txt | awk -F' [|] ' 'NF==3 {print $$3 > "$(FUZZ_CORPUS)/tex/case" NR}'
	failed=""; for harness in $(FUZZ_HARNESSES); do \
	  case $$harness in \
	    notebook-parser) corpus=notebook; flags="-dict=.build-fuzz/notebook-and-expression.dict" ;; \
	    render) corpus=render; flags="-dict=.build-fuzz/notebook-and-expression.dict -rss_limit_mb=1024 -timeout=30" ;; \
	    expression) corpus=expression; flags="-dict=$(FUZZ_DICT)/expression.dict -rss_limit_mb=1024" ;; \
	    model) corpus=model; flags="-dict=.build-fuzz/model.dict -rss_limit_mb=1024" ;; \
	    idx-reader) corpus=idx; flags="" ;; \
	    tex) corpus=tex; flags="" ;; \
	    preview-request) corpus=preview-request; flags="-dict=$(FUZZ_DICT)/http.dict -rss_limit_mb=1024" ;; \
	    bibtex) corpus=bibtex; flags="-dict=$(FUZZ_DICT)/bibtex.dict" ;; \
	  esac; \
	  ASAN_OPTIONS=detect_leaks=0 .build-fuzz/debug/fuzz-$$harness $(FUZZ_CORPUS)/$$corpus -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAX_LEN) \
	    -timeout=10 -detect_leaks=0 $$flags -artifact_prefix=.build-fuzz/crashes/$$harness- || failed="$$failed $$harness"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in$$failed (see .build-fuzz/crashes/)"; exit 1; fi

clean:
	rm -rf .build $(OUT)/*.html $(OUT)/*.json
