#!/usr/bin/env bash
# Benchmark: a two-layer network (the MLP recipe) trained by nbrun, PyTorch and NumPy, in one run.
#
#   bench/mlp.sh                      (REPS=5 bench/mlp.sh for more repetitions)
#   ONE_CORE=only bench/mlp.sh        (only the one-core comparisons; ONE_CORE=0: only all cores)
#
# Renders bench/mlp-recipe.md (784 → 256 relu → 10, N(0, 0.01²) weights, zero biases,
# minibatch SGD with batch 256, lr 0.1, 10 epochs, seed 0, Fashion-MNIST) and
# bench/mlp-adam-recipe.md (the same with Adam, lr 0.001) REPS times each with a release
# build, runs ../shared/bench/torch_mlp.py (and with --adam) REPS times each, run i with seed
# i − 1, and prints the median training-loop seconds of each pair, their ratio, the mean test
# accuracy over the seeds (and each seed's) and nbrun's peak memory for the whole render, each
# with the load average it was measured under. Then
# both pairs again on one core each (`taskset -c 1`, one thread each), which other jobs on
# the machine flatter less. NumPy (../shared/bench/numpy_mlp.py) runs the SGD recipe on all
# cores. DATA_DIR, PYTHON as in bench/run.sh; MNIST=1 also trains on MNIST
# (../shared/data/mnist) for the accuracy target.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
data_dir="${DATA_DIR:-/usr/share/datasets/fashion-mnist}"
python="${PYTHON:-python3}"
torch_bench="$root/../shared/bench/torch_mlp.py"
numpy_bench="$root/../shared/bench/numpy_mlp.py"
one_core_mode="${ONE_CORE:-1}"

if [ ! -f "$data_dir/train-images-idx3-ubyte.gz" ]; then
    echo "bench: Fashion-MNIST not found in $data_dir (install dataset-fashion-mnist or set DATA_DIR)" >&2
    exit 1
fi

. "$root/bench/common.sh"
data_root="$(dirname "$data_dir")"
if [ "$(basename "$data_dir")" != "fashion-mnist" ]; then
    mkdir -p "$work/data" && ln -s "$data_dir" "$work/data/fashion-mnist" && data_root="$work/data"
fi
. "$root/bench/pair.sh"

sgd="$root/bench/mlp-recipe.md" adam="$root/bench/mlp-adam-recipe.md"
if [ "$one_core_mode" != only ]; then
    measure sgd-all "$sgd" "$torch_bench"
    measure adam-all "$adam" "$torch_bench --adam"
fi
if [ "$one_core_mode" != 0 ]; then
    measure sgd-one "$sgd" "$torch_bench" "${one_core[@]}"
    measure adam-one "$adam" "$torch_bench --adam" "${one_core[@]}"
fi

if [ "$one_core_mode" != only ]; then
    echo "== NumPy ${numpy_bench#"$root"/} ($reps runs, SGD)"
    : > "$work/numpy.txt"
    for i in $(seq "$reps"); do
        before="$(load)"
        out="$("$python" "$numpy_bench" "$data_dir")"
        seconds="$(echo "$out" | awk '/^training loop time/ { print $4 }')"
        accuracy="$(echo "$out" | awk '/^final_test_acc/ { print $2 }')"
        echo "  run $i: train ${seconds}s  test_acc $accuracy  load $before"
        echo "$seconds $accuracy $before" >> "$work/numpy.txt"
    done
    summary sgd-all "SGD, both programs on all cores" 0.75 "0.845 +- 0.01"
    nb="$(cut -d' ' -f1 "$work/nbrun-sgd-all.txt" | median)"
    np="$(cut -d' ' -f1 "$work/numpy.txt" | median)"; np_acc="$(cut -d' ' -f2 "$work/numpy.txt" | median)"
    printf '  numpy           %.2f s (load %s), nbrun/numpy %.2f, test accuracy %.4f\n' "$np" \
        "$(cut -d' ' -f3 "$work/numpy.txt" | median)" "$(awk -v a="$nb" -v b="$np" 'BEGIN { print a / b }')" "$np_acc"
    summary adam-all "Adam, both programs on all cores" 0.75 ">= 0.865 (PyTorch 0.8744)"
fi
if [ "$one_core_mode" != 0 ]; then
    summary sgd-one "SGD, one core each (taskset -c 1, one thread)" 0.75 "0.845 +- 0.01"
    summary adam-one "Adam, one core each (taskset -c 1, one thread)" 0.75 ">= 0.865 (PyTorch 0.8744)"
fi
[ "$one_core_mode" != only ] || exit 0

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
steps_load="$(load)"
for i in $(seq "$reps"); do
    "$nbrun" render "$work/fullbatch.md" -o "$work/out" --data-dir "$data_root" --no-cache -q
    "$python" - "$work/out/fullbatch.json" >> "$work/steps.txt" <<'PY'
import json, sys
cells = {c["label"]: c["metrics"] for c in json.load(open(sys.argv[1]))["cells"]}
print(f'{1000 * cells["builtin"]["seconds"] / 20:.2f} {1000 * cells["formulas"]["seconds"] / 20:.2f}')
PY
done
builtin="$(cut -d' ' -f1 "$work/steps.txt" | median)"; formulas="$(cut -d' ' -f2 "$work/steps.txt" | median)"
printf '  full-batch step over 60,000 rows, softmax regression: built-in %.1f ms, author formulas on the engine %.1f ms, ratio %.2f (target <= 3) (load %s)\n' \
    "$builtin" "$formulas" "$(awk -v a="$formulas" -v b="$builtin" 'BEGIN { print a / b }')" "$steps_load"

if [ "${MNIST:-0}" = 1 ] && [ -f "$root/../shared/data/mnist/train-images-idx3-ubyte.gz" ]; then
    sed 's/{load} fashion-mnist/{load} mnist/' "$root/bench/mlp-recipe.md" > "$work/mlp-mnist.md"
    before="$(load)"
    "$nbrun" render "$work/mlp-mnist.md" -o "$work/out" --data-dir "$root/../shared/data" --no-cache -q
    read -r seconds accuracy < <(read_record "$work/out/mlp-mnist.json")
    printf '  MNIST           nbrun test accuracy %.4f (PyTorch on the same files: 0.9492), train %.3f s (load %s)\n' "$accuracy" "$seconds" "$before"
fi
