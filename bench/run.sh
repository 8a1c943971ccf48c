#!/usr/bin/env bash
# Benchmark: nbrun's softmax training against the NumPy reference, in one run.
#
#   bench/run.sh                      (from anywhere; REPS=5 bench/run.sh for more repetitions)
#
# Builds nbrun in release mode, renders a notebook with the standard recipe
# (Fashion-MNIST, batch 256, lr 0.1, 10 epochs, normal(0.01) init, seed 0) REPS
# times, runs the NumPy script REPS times, and prints the median training-loop
# seconds of both, their ratio, the test accuracies, nbrun's full-batch step time
# and nbrun's peak memory for the whole render.
#
# Environment:
#   REPS          repetitions of each side (default 3)
#   NUMPY_BENCH   the NumPy script (default ../shared/bench/numpy_softmax.py from the repository root)
#   DATA_DIR      the Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist)
#   PYTHON        the Python interpreter (default python3)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
numpy_bench="${NUMPY_BENCH:-$root/../shared/bench/numpy_softmax.py}"
data_dir="${DATA_DIR:-/usr/share/datasets/fashion-mnist}"
python="${PYTHON:-python3}"

if [ ! -f "$data_dir/train-images-idx3-ubyte.gz" ]; then
    echo "bench: Fashion-MNIST not found in $data_dir (install dataset-fashion-mnist or set DATA_DIR)" >&2
    exit 1
fi
if [ ! -x /usr/bin/time ]; then
    echo "bench: /usr/bin/time is missing (apt-get install time); peak memory will not be measured" >&2
fi

. "$root/bench/common.sh"
# The data set's parent folder is nbrun's data root (it holds fashion-mnist/).
data_root="$(dirname "$data_dir")"
if [ "$(basename "$data_dir")" != "fashion-mnist" ]; then
    mkdir -p "$work/data" && ln -s "$data_dir" "$work/data/fashion-mnist" && data_root="$work/data"
fi

cat > "$work/bench.md" <<'NOTEBOOK'
---
title: Training benchmark
seed: 0
---

```{load} fashion-mnist
:label: data
```

```{train} softmax
:label: standard
:lr: 0.1
:batch: 256
:epochs: 10
:init: normal(0.01)
:seed: 0
```

```{train} softmax
:label: fullbatch
:lr: 0.1
:batch: full
:steps: 20
```
NOTEBOOK

read_record() {  # prints: train_seconds test_accuracy full_batch_ms
    "$python" - "$1" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
cells = {c["label"]: {m["name"]: m["value"] for m in c["metrics"]} if isinstance(c["metrics"], list) else c["metrics"]
         for c in record["cells"]}
standard, full = cells["standard"], cells["fullbatch"]
print(f'{standard["seconds"]:.4f} {standard["test_accuracy"]:.4f} {1000 * full["seconds"] / full["steps"]:.2f}')
PY
}

echo "== nbrun render ($reps runs)"
: > "$work/nbrun.txt"
for i in $(seq "$reps"); do
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -v -o "$work/time.txt" "$nbrun" render "$work/bench.md" -o "$work/out" --data-dir "$data_root" --no-cache -q
        rss_kb="$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")"
    else
        "$nbrun" render "$work/bench.md" -o "$work/out" --data-dir "$data_root" --no-cache -q
        rss_kb=0
    fi
    read -r seconds accuracy step_ms < <(read_record "$work/out/bench.json")
    echo "  run $i: train ${seconds}s  test_acc $accuracy  full-batch step ${step_ms} ms  peak RSS $((rss_kb / 1024)) MB"
    echo "$seconds $accuracy $step_ms $rss_kb" >> "$work/nbrun.txt"
done

echo "== NumPy reference $numpy_bench ($reps runs)"
: > "$work/numpy.txt"
for i in $(seq "$reps"); do
    out="$("$python" "$numpy_bench" "$data_dir")"
    seconds="$(echo "$out" | awk '/^TIMES/ { for (i = 1; i <= NF; i++) if ($i == "train") print $(i + 1) }')"
    accuracy="$(echo "$out" | awk '/^final_test_acc/ { print $2 }')"
    echo "  run $i: train ${seconds}s  test_acc $accuracy"
    echo "$seconds $accuracy" >> "$work/numpy.txt"
done

nb_train="$(cut -d' ' -f1 "$work/nbrun.txt" | median)"
nb_acc="$(cut -d' ' -f2 "$work/nbrun.txt" | median)"
nb_step="$(cut -d' ' -f3 "$work/nbrun.txt" | median)"
nb_rss="$(cut -d' ' -f4 "$work/nbrun.txt" | sort -g | tail -1)"
np_train="$(cut -d' ' -f1 "$work/numpy.txt" | median)"
np_acc="$(cut -d' ' -f2 "$work/numpy.txt" | median)"
nb_best="$(cut -d' ' -f1 "$work/nbrun.txt" | sort -g | head -1)"
np_best="$(cut -d' ' -f1 "$work/numpy.txt" | sort -g | head -1)"

echo "== summary (medians of $reps runs, $(nproc) cores)"
printf '  training loop   nbrun %.3f s   numpy %.3f s   ratio %.2f (target <= 0.33)\n' "$nb_train" "$np_train" \
    "$(awk -v a="$nb_train" -v b="$np_train" 'BEGIN { print a / b }')"
printf '  best of %d      nbrun %.3f s   numpy %.3f s   ratio %.2f (less sensitive to other load)\n' "$reps" "$nb_best" "$np_best" \
    "$(awk -v a="$nb_best" -v b="$np_best" 'BEGIN { print a / b }')"
printf '  test accuracy   nbrun %.4f     numpy %.4f     (target 0.83 +- 0.01)\n' "$nb_acc" "$np_acc"
printf '  full-batch gradient step over 60,000 rows: %.2f ms (target <= 20)\n' "$nb_step"
printf '  nbrun peak memory (whole render): %d MB (target <= 400)\n' "$((nb_rss / 1024))"
