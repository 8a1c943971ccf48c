#!/usr/bin/env bash
# Cold versus cached render of a notebook: prints both medians and their ratio.
# Usage: bench/cache.sh [NOTEBOOK] [REPS]   (release build; default: the Fashion-MNIST training recipe)
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${2:-3}
# The Makefile's CPU tuning (exported by make; asked of make when run directly).
tuning="${NBRUN_SWIFT_TUNING-$(make -s tuning-flags)}"
swift build -c release $tuning > /dev/null
nbrun=.build/release/nbrun
work=$(mktemp -d)
notebook=${1:-}
if [ -z "$notebook" ]; then
  notebook=$work/recipe.md
  cat > "$notebook" <<'NOTEBOOK'
---
title: Standard recipe
seed: 0
---
```{load} fashion-mnist
```

```{train} softmax
:label: train
:batch: 256
:lr: 0.1
:epochs: 10
:init: normal(0.01)
```

```{evaluate}
```
NOTEBOOK
fi
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
seconds() { local start end; start=$(date +%s.%N); "$@" > /dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
cold=(); warm=()
for _ in $(seq "$reps"); do
  rm -rf "$work/out"
  cold+=("$(seconds "$nbrun" render "$notebook" -o "$work/out" -q)")
  warm+=("$(seconds "$nbrun" render "$notebook" -o "$work/out" -q)")
done
statuses=$(grep -o '"status" : "[a-z]*"' "$work/out/$(basename "$notebook" .md).json" | sort | uniq -c | tr -s ' ' | paste -sd,)
cold_median=$(printf '%s\n' "${cold[@]}" | median)
warm_median=$(printf '%s\n' "${warm[@]}" | median)
echo "cold render   median ${cold_median} s  (${cold[*]})"
echo "cached render median ${warm_median} s  (${warm[*]})"
echo "speed-up      $(echo "scale=1; $cold_median / $warm_median" | bc)×   statuses of the cached run:${statuses}"
