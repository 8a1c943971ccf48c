#!/usr/bin/env bash
# Benchmark: LeNet-5 (the LeNet recipe) trained by nbrun and by PyTorch CPU, in one run.
#
#   bench/lenet.sh                    (REPS=5 bench/lenet.sh for more repetitions)
#
# Renders bench/lenet-recipe.md (conv 6@5×5 padding 2 → relu → max-pool 2 → conv 16@5×5 →
# relu → max-pool 2 → 400 → 120 relu → 84 relu → 10, PyTorch's initialisation, batch 128,
# 5 epochs, seed 0, Fashion-MNIST) REPS times with a release build and runs
# ../shared/bench/torch_lenet.py REPS times, and prints the median training-loop seconds of
# each, their ratio, the test accuracies and nbrun's peak memory, each time with the load
# average it was measured under. Then both again on one core each (`taskset -c 1`, PyTorch
# with one thread), which contention flatters less. MNIST=1 also trains the recipe on MNIST
# (../shared/data/mnist) for the CNN accuracy target (≥ 0.985). DATA_DIR, PYTHON as in bench/mlp.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
data_dir="${DATA_DIR:-/usr/share/datasets/fashion-mnist}"
python="${PYTHON:-python3}"
torch_bench="$root/../shared/bench/torch_lenet.py"

if [ ! -f "$data_dir/train-images-idx3-ubyte.gz" ]; then
    echo "bench: Fashion-MNIST not found in $data_dir (install dataset-fashion-mnist or set DATA_DIR)" >&2
    exit 1
fi
if ! "$python" -c 'import torch' 2> /dev/null; then
    echo "== installing PyTorch (CPU) for the reference"
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

load() { cut -d' ' -f1 /proc/loadavg; }

read_record() {  # prints: train_seconds test_accuracy
    "$python" - "$1" <<'PY'
import json, sys
cells = {c["label"]: c["metrics"] for c in json.load(open(sys.argv[1]))["cells"]}
print(f'{cells["train"]["seconds"]:.4f} {cells["train"]["test_accuracy"]:.4f}')
PY
}

measure() {  # measure TAG PREFIX…: REPS renders and REPS PyTorch runs under PREFIX (e.g. taskset -c 1)
    local tag=$1; shift
    echo "== nbrun render bench/lenet-recipe.md ($reps runs${*:+, $*})"
    : > "$work/nbrun-$tag.txt"
    for i in $(seq "$reps"); do
        local before; before="$(load)"
        "$@" /usr/bin/time -v -o "$work/time.txt" "$nbrun" render "$root/bench/lenet-recipe.md" -o "$work/out" --data-dir "$data_root" --no-cache -q
        local rss_kb; rss_kb="$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")"
        read -r seconds accuracy < <(read_record "$work/out/lenet-recipe.json")
        echo "  run $i: train ${seconds}s  test_acc $accuracy  peak RSS $((rss_kb / 1024)) MB  load $before"
        echo "$seconds $accuracy $rss_kb $before" >> "$work/nbrun-$tag.txt"
    done
    echo "== PyTorch $torch_bench ($reps runs${*:+, $*})"
    : > "$work/torch-$tag.txt"
    for i in $(seq "$reps"); do
        local before; before="$(load)"
        out="$("$@" "$python" "$torch_bench" "$data_dir")"
        seconds="$(echo "$out" | awk '/^training loop time/ { print $4 }')"
        accuracy="$(echo "$out" | awk '/^final_test_acc/ { print $2 }')"
        echo "  run $i: train ${seconds}s  test_acc $accuracy  load $before"
        echo "$seconds $accuracy $before" >> "$work/torch-$tag.txt"
    done
}

summary() {  # summary TAG TITLE
    local nb nb_acc nb_rss nb_load pt pt_acc pt_load
    nb="$(cut -d' ' -f1 "$work/nbrun-$1.txt" | median)"; nb_acc="$(cut -d' ' -f2 "$work/nbrun-$1.txt" | median)"
    nb_rss="$(cut -d' ' -f3 "$work/nbrun-$1.txt" | sort -g | tail -1)"; nb_load="$(cut -d' ' -f4 "$work/nbrun-$1.txt" | median)"
    pt="$(cut -d' ' -f1 "$work/torch-$1.txt" | median)"; pt_acc="$(cut -d' ' -f2 "$work/torch-$1.txt" | median)"
    pt_load="$(cut -d' ' -f3 "$work/torch-$1.txt" | median)"
    echo "== $2 (medians of $reps runs, $(nproc) cores)"
    printf '  training loop   nbrun %.2f s (load %s)   pytorch %.2f s (load %s)\n' "$nb" "$nb_load" "$pt" "$pt_load"
    printf '  ratio           nbrun/pytorch %.2f (target <= 1.0)\n' "$(awk -v a="$nb" -v b="$pt" 'BEGIN { print a / b }')"
    printf '  test accuracy   nbrun %.4f   pytorch %.4f   (target >= 0.87)\n' "$nb_acc" "$pt_acc"
    printf '  nbrun peak memory (whole render): %d MB\n' "$((nb_rss / 1024))"
}

measure all
OMP_NUM_THREADS=1 measure one taskset -c 1
summary all "both programs on all cores"
summary one "one core each (taskset -c 1, one thread)"

if [ "${MNIST:-0}" = 1 ] && [ -f "$root/../shared/data/mnist/train-images-idx3-ubyte.gz" ]; then
    sed 's/{load} fashion-mnist/{load} mnist/' "$root/bench/lenet-recipe.md" > "$work/lenet-mnist.md"
    before="$(load)"
    "$nbrun" render "$work/lenet-mnist.md" -o "$work/out" --data-dir "$root/../shared/data" --no-cache -q
    read -r seconds accuracy < <(read_record "$work/out/lenet-mnist.json")
    printf '  MNIST           nbrun test accuracy %.4f (target >= 0.985), train %.2f s (load %s)\n' "$accuracy" "$seconds" "$before"
    awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.985) }' || { echo "bench: the CNN on MNIST is below 0.985" >&2; exit 1; }
fi
