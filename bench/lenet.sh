#!/usr/bin/env bash
# Benchmark: LeNet-5 (the LeNet recipe) trained by nbrun and by PyTorch CPU, in one run.
#
#   bench/lenet.sh                    (REPS=5 bench/lenet.sh for more repetitions)
#   ONE_CORE=only bench/lenet.sh      (only the one-core comparison; ONE_CORE=0: only all cores)
#
# Renders bench/lenet-recipe.md (conv 6@5×5 padding 2 → relu → max-pool 2 → conv 16@5×5 →
# relu → max-pool 2 → 400 → 120 relu → 84 relu → 10, PyTorch's initialisation, Adam lr 0.001,
# batch 128, 5 epochs, Fashion-MNIST) REPS times with a release build and runs
# ../shared/bench/torch_lenet.py REPS times, run i of each with seed i − 1, and prints the
# median training-loop seconds of each, their ratio, the mean test accuracy over the seeds
# (and each seed's) and nbrun's peak memory, each time with the load average it was measured
# under. Then both again on one core each (`taskset -c 1`, one
# thread each: OPENBLAS_NUM_THREADS=1, OMP_NUM_THREADS=1), which other jobs on the machine
# flatter less. MNIST=1 also trains the recipe on MNIST (../shared/data/mnist) for the CNN
# accuracy target (≥ 0.985). DATA_DIR, PYTHON as in bench/mlp.sh.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${REPS:-3}"
data_dir="${DATA_DIR:-/usr/share/datasets/fashion-mnist}"
python="${PYTHON:-python3}"
torch_bench="$root/../shared/bench/torch_lenet.py"
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

recipe="$root/bench/lenet-recipe.md"
[ "$one_core_mode" = only ] || measure all "$recipe" "$torch_bench"
[ "$one_core_mode" = 0 ] || measure one "$recipe" "$torch_bench" "${one_core[@]}"
[ "$one_core_mode" = only ] || summary all "both programs on all cores" 1.0 ">= 0.87"
[ "$one_core_mode" = 0 ] || summary one "one core each (taskset -c 1, one thread)" 1.0 ">= 0.87"

if [ "${MNIST:-0}" = 1 ] && [ -f "$root/../shared/data/mnist/train-images-idx3-ubyte.gz" ]; then
    sed 's/{load} fashion-mnist/{load} mnist/' "$recipe" > "$work/lenet-mnist.md"
    before="$(load)"
    "$nbrun" render "$work/lenet-mnist.md" -o "$work/out" --data-dir "$root/../shared/data" --no-cache -q
    read -r seconds accuracy < <(read_record "$work/out/lenet-mnist.json")
    printf '  MNIST           nbrun test accuracy %.4f (target >= 0.985), train %.2f s (load %s)\n' "$accuracy" "$seconds" "$before"
    awk -v a="$accuracy" 'BEGIN { exit !(a >= 0.985) }' || { echo "bench: the CNN on MNIST is below 0.985" >&2; exit 1; }
fi
