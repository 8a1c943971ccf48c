#!/usr/bin/env bash
# Benchmark: a two-layer network (the MLP recipe) trained by nbrun, PyTorch and NumPy, in one run.
#
#   bench/mlp.sh                      (REPS=5 bench/mlp.sh for more repetitions)
#
# Renders bench/mlp-recipe.md (784 → 256 relu → 10, N(0, 0.01²) weights, zero biases,
# batch 256, lr 0.1, 10 epochs, seed 0, Fashion-MNIST) REPS times with a release build,
# runs ../shared/bench/torch_mlp.py and ../shared/bench/numpy_mlp.py REPS times, and prints
# the median training-loop seconds of each, the ratios, the test accuracies and nbrun's peak
# memory for the whole render. DATA_DIR, PYTHON as in bench/run.sh; MNIST=1 also trains on
# MNIST (../shared/data/mnist) for the accuracy target.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
data_dir="${DATA_DIR:-/usr/share/datasets/fashion-mnist}"
python="${PYTHON:-python3}"
torch_bench="$root/../shared/bench/torch_mlp.py"
numpy_bench="$root/../shared/bench/numpy_mlp.py"

if [ ! -f "$data_dir/train-images-idx3-ubyte.gz" ]; then
    echo "bench: Fashion-MNIST not found in $data_dir (install dataset-fashion-mnist or set DATA_DIR)" >&2
    exit 1
fi
if ! "$python" -c 'import torch' 2> /dev/null; then
    echo "== installing PyTorch (CPU) for the reference"
    # A CPU build: the local wheel folder's when there is one, else PyTorch's CPU index.
    wheel="$(ls /opt/wheels/torch-*+cpu-*.whl 2> /dev/null | tail -1 || true)"
    if [ -n "$wheel" ]; then
        "$python" -m pip install --quiet --disable-pip-version-check "$wheel"
    else
        "$python" -m pip install --quiet --disable-pip-version-check torch --index-url https://download.pytorch.org/whl/cpu
    fi
fi

. "$root/bench/common.sh"
data_root="$(dirname "$data_dir")"
if [ "$(basename "$data_dir")" != "fashion-mnist" ]; then
    mkdir -p "$work/data" && ln -s "$data_dir" "$work/data/fashion-mnist" && data_root="$work/data"
fi

read_record() {  # prints: train_seconds test_accuracy
    "$python" - "$1" <<'PY'
import json, sys
cells = {c["label"]: c["metrics"] for c in json.load(open(sys.argv[1]))["cells"]}
print(f'{cells["train"]["seconds"]:.4f} {cells["train"]["test_accuracy"]:.4f}')
PY
}

echo "== nbrun render bench/mlp-recipe.md ($reps runs)"
: > "$work/nbrun.txt"
for i in $(seq "$reps"); do
    /usr/bin/time -v -o "$work/time.txt" "$nbrun" render "$root/bench/mlp-recipe.md" -o "$work/out" --data-dir "$data_root" --no-cache -q
    rss_kb="$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")"
    read -r seconds accuracy < <(read_record "$work/out/mlp-recipe.json")
    echo "  run $i: train ${seconds}s  test_acc $accuracy  peak RSS $((rss_kb / 1024)) MB"
    echo "$seconds $accuracy $rss_kb" >> "$work/nbrun.txt"
done

reference() {  # reference NAME SCRIPT
    echo "== $1 $2 ($reps runs)"
    : > "$work/$1.txt"
    for i in $(seq "$reps"); do
        out="$("$python" "$2" "$data_dir")"
        seconds="$(echo "$out" | awk '/^training loop time/ { print $4 }')"
        accuracy="$(echo "$out" | awk '/^final_test_acc/ { print $2 }')"
        echo "  run $i: train ${seconds}s  test_acc $accuracy"
        echo "$seconds $accuracy" >> "$work/$1.txt"
    done
}
reference torch "$torch_bench"
reference numpy "$numpy_bench"

nb="$(cut -d' ' -f1 "$work/nbrun.txt" | median)"; nb_acc="$(cut -d' ' -f2 "$work/nbrun.txt" | median)"
nb_rss="$(cut -d' ' -f3 "$work/nbrun.txt" | sort -g | tail -1)"
pt="$(cut -d' ' -f1 "$work/torch.txt" | median)"; pt_acc="$(cut -d' ' -f2 "$work/torch.txt" | median)"
np="$(cut -d' ' -f1 "$work/numpy.txt" | median)"; np_acc="$(cut -d' ' -f2 "$work/numpy.txt" | median)"

echo "== summary (medians of $reps runs, $(nproc) cores)"
printf '  training loop   nbrun %.3f s   pytorch %.3f s   numpy %.3f s\n' "$nb" "$pt" "$np"
printf '  ratios          nbrun/pytorch %.2f (target <= 0.75)   nbrun/numpy %.2f\n' \
    "$(awk -v a="$nb" -v b="$pt" 'BEGIN { print a / b }')" "$(awk -v a="$nb" -v b="$np" 'BEGIN { print a / b }')"
printf '  test accuracy   nbrun %.4f   pytorch %.4f   numpy %.4f   (target 0.845 +- 0.01)\n' "$nb_acc" "$pt_acc" "$np_acc"
printf '  nbrun peak memory (whole render): %d MB (target <= 400)\n' "$((nb_rss / 1024))"

# The author's formulas on the engine against the built-in fused kernel: full-batch steps of
# softmax regression over all 60,000 rows.
cat > "$work/fullbatch.md" <<'NOTEBOOK'
```{load} fashion-mnist
```

```{train} softmax
:label: builtin
:batch: full
:steps: 20
```

```{model}
:label: declared
param W: inputs×classes normal(0.01)
param b: classes zeros
P = softmax(X @ W + b)
loss: -mean(sum(Y * log(P), axis=1))
```

```{train}
:label: formulas
:model: declared
:batch: full
:steps: 20
grad W: X.T @ (P - Y) / N
grad b: sum(P - Y, axis=0) / N
```
NOTEBOOK
: > "$work/steps.txt"
for i in $(seq "$reps"); do
    "$nbrun" render "$work/fullbatch.md" -o "$work/out" --data-dir "$data_root" --no-cache -q
    "$python" - "$work/out/fullbatch.json" >> "$work/steps.txt" <<'PY'
import json, sys
cells = {c["label"]: c["metrics"] for c in json.load(open(sys.argv[1]))["cells"]}
print(f'{1000 * cells["builtin"]["seconds"] / 20:.2f} {1000 * cells["formulas"]["seconds"] / 20:.2f}')
PY
done
builtin="$(cut -d' ' -f1 "$work/steps.txt" | median)"; formulas="$(cut -d' ' -f2 "$work/steps.txt" | median)"
printf '  full-batch step over 60,000 rows, softmax regression: built-in %.1f ms, author formulas on the engine %.1f ms, ratio %.2f (target <= 3)\n' \
    "$builtin" "$formulas" "$(awk -v a="$formulas" -v b="$builtin" 'BEGIN { print a / b }')"

if [ "${MNIST:-0}" = 1 ] && [ -f "$root/../shared/data/mnist/train-images-idx3-ubyte.gz" ]; then
    sed 's/{load} fashion-mnist/{load} mnist/' "$root/bench/mlp-recipe.md" > "$work/mlp-mnist.md"
    "$nbrun" render "$work/mlp-mnist.md" -o "$work/out" --data-dir "$root/../shared/data" --no-cache -q
    read -r seconds accuracy < <(read_record "$work/out/mlp-mnist.json")
    printf '  MNIST           nbrun test accuracy %.4f (target >= 0.975), train %.3f s\n' "$accuracy" "$seconds"
fi
