#!/usr/bin/env bash
# Renders the tutorials with a release build, checks their key numbers from the run
# records, and has headless Chromium draw each report.
# Usage: Tests/tutorials/run.sh [path/to/nbrun]   (make test passes the CPU-tuned release build;
#        without an argument it builds that itself with the Makefile's tuning)
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ $# -eq 0 ]; then
  swift build -c release ${NBRUN_SWIFT_TUNING-$(make -s tuning-flags)} >/dev/null || exit 1
fi
nbrun=${1:-.build/release/nbrun}
out=$(mktemp -d)
shared=../shared/data
passed=0
failed=0

check() {  # check NAME COMMAND…
  local name=$1; shift
  if "$@" > "$out/last.log" 2>&1; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; sed 's/^/     /' "$out/last.log" | tail -20
  fi
}

render() {  # render NOTEBOOK [ARGS…]: a clean run (no cache); errors and warnings fail the check
  local notebook=$1; shift
  SOURCE_DATE_EPOCH=0 "$nbrun" render "$notebook" -o "$out" --no-cache -q "$@" 2> "$out/stderr.log"
  local status=$?
  cat "$out/stderr.log"
  [ "$status" -eq 0 ] && ! grep -q "warning:" "$out/stderr.log"
}

for notebook in notebooks/*.md; do
  name=$(basename "$notebook" .md)
  case "$name" in
    softmax-mnist.zh)
      # This machine has the real MNIST test set only: train on the first 8,000 test
      # images, evaluate on the last 2,000 (see the notebook's front matter).
      check "render $name (MNIST test set)" render "$notebook" --data-dir "$shared" \
        -p from=test -p train-rows=0..8000 -p test-rows=8000..10000 ;;
    *)
      check "render $name" render "$notebook" ;;
  esac
  checker="Tests/tutorials/check-${name//./-}.py"
  if [ -f "$checker" ]; then
    check "numbers of $name" python3 "$checker" "$out/$name.json"
  fi
  if command -v chromium > /dev/null; then
    check "chromium draws $name" bash -c "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
      --window-size=1000,2000 --screenshot='$out/$name.png' 'file://$out/$name.html' > /dev/null 2>&1; \
      test \$(stat -c %s '$out/$name.png') -gt 20000"
  fi
done

# make demo as a new user meets it: no NBRUN_DATA_DIR, no ./data, MNIST not installed. Unless
# this machine can download MNIST, its notebook is skipped in one line naming the command.
demo_check() {
  local home repo=$PWD
  home=$(mktemp -d) && cp -r notebooks "$home/" && cd "$home" || return 1
  env -u NBRUN_DATA_DIR bash "$repo/scripts/demo.sh" "$repo/$nbrun" out notebooks/fashion-mnist-tour.md notebooks/softmax-mnist.zh.md \
    > demo.log 2> /dev/null
  local status=$?
  cat demo.log
  [ "$status" -eq 0 ] && [ -f out/fashion-mnist-tour.html ] || return 1
  [ -f out/softmax-mnist.zh.html ] && return 0
  [ "$(grep -c '^skipped' demo.log)" -eq 1 ] \
    && grep -qx "skipped notebooks/softmax-mnist.zh.md: needs mnist, which is not here (.*); get it with: $repo/$nbrun data fetch mnist" demo.log
}
check "make demo on a machine without MNIST" demo_check

echo "tutorials: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
