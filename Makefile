# nbrun: two commands do everything on a fresh Debian machine:
#   make demo   installs what nbrun needs, builds it and renders the flagship notebook
#   make test   runs the whole test suite (unit, end-to-end, browser, tutorials)

SWIFT      ?= swift
NOTEBOOK   ?= notebooks/softmax-regression.md
OUT        ?= output
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := libcmark-dev zlib1g-dev dataset-fashion-mnist fonts-lmodern chromium time
NBRUN      := .build/release/nbrun

.PHONY: deps build release demo render test bench clean

deps:
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null
	python3 -m pip install --quiet --disable-pip-version-check pypng || true

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

demo: deps release render

render:
	$(NBRUN) render notebooks/*.md -o $(OUT)

test: deps
	$(SWIFT) test

bench: release
	bash bench/run.sh

clean:
	rm -rf .build $(OUT)/*.html $(OUT)/*.json
