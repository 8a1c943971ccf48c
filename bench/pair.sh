# Sourced by bench/lenet.sh and bench/mlp.sh (after common.sh, with $root, $reps, $python,
# $data_dir and $data_root set): a recipe rendered by nbrun and a PyTorch script, REPS times
# each, side by side, each figure with the one-minute load average it was measured under.
# PyTorch is installed first if it is missing (a CPU build from the local wheel folder, else
# from PyTorch's CPU index).

if ! "$python" -c 'import torch' 2> /dev/null; then
    echo "== installing PyTorch (CPU) for the reference"
    wheel="$(ls /opt/wheels/torch-*+cpu-*.whl 2> /dev/null | tail -1 || true)"
    if [ -n "$wheel" ]; then
        "$python" -m pip install --quiet --disable-pip-version-check "$wheel"
    else
        "$python" -m pip install --quiet --disable-pip-version-check torch --index-url https://download.pytorch.org/whl/cpu
    fi
fi

# The prefix of the one-thread comparison: one core (`taskset -c 1`) and one thread for each
# program (OpenBLAS's, which nbrun's training follows, and PyTorch's).
one_core=(env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 1)

load() { cut -d' ' -f1 /proc/loadavg; }

read_record() {  # read_record RECORD.json: prints the train cell's seconds and test accuracy
    "$python" - "$1" <<'PY'
import json, sys
cells = {c["label"]: c["metrics"] for c in json.load(open(sys.argv[1]))["cells"]}
print(f'{cells["train"]["seconds"]:.4f} {cells["train"]["test_accuracy"]:.4f}')
PY
}

# with_seed FILE FROM TO SEED: a copy of FILE in $work/seed-SEED with the text FROM replaced by TO
# (each `0` in them by SEED); its path. Fails when FILE does not hold FROM.
with_seed() {
    local file=$1 from=$2 to=$3 seed=$4 copy
    copy="$work/seed-$seed/$(basename "$file")"
    mkdir -p "$work/seed-$seed"
    grep -q -- "$from" "$file" || { echo "bench: $file has no '$from' to vary the seed in" >&2; return 1; }
    sed "s/$from/${to//0/$seed}/" "$file" > "$copy"
    echo "$copy"
}

# measure TAG RECIPE.md "SCRIPT [FLAGS]" PREFIX…: REPS renders of the recipe and REPS runs of
# the PyTorch script (with the data folder), both under PREFIX (nothing, or "${one_core[@]}").
# Run i of each uses seed i − 1 (the recipe's and the script's seed 0 replaced): a single seed's
# test accuracy varies by ±0.005 between draws, more than the two programs differ, so the
# summary compares the mean accuracy over the seeds (and prints each seed's).
measure() {
    local tag=$1 recipe=$2 torch_command=$3; shift 3
    local name before seconds accuracy rss_kb out seed seeded script flags
    name="$(basename "$recipe" .md)"
    read -r script flags <<< "$torch_command"
    echo "== nbrun render ${recipe#"$root"/} ($reps runs, seeds 0–$((reps - 1))${*:+, $*})"
    : > "$work/nbrun-$tag.txt"
    for i in $(seq "$reps"); do
        seed=$((i - 1))
        seeded="$(with_seed "$recipe" '^seed: 0$' 'seed: 0' "$seed")" || return 1
        sed -i "s/^:seed: 0$/:seed: $seed/" "$seeded"
        before="$(load)"
        "$@" /usr/bin/time -v -o "$work/time.txt" "$nbrun" render "$seeded" -o "$work/out" --data-dir "$data_root" --no-cache -q
        rss_kb="$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")"
        read -r seconds accuracy < <(read_record "$work/out/$name.json")
        echo "  run $i (seed $seed): train ${seconds}s  test_acc $accuracy  peak RSS $((rss_kb / 1024)) MB  load $before"
        echo "$seconds $accuracy $rss_kb $before" >> "$work/nbrun-$tag.txt"
    done
    echo "== PyTorch ${torch_command#"$root"/} ($reps runs, seeds 0–$((reps - 1))${*:+, $*})"
    : > "$work/torch-$tag.txt"
    for i in $(seq "$reps"); do
        seed=$((i - 1))
        seeded="$(with_seed "$script" 'torch.manual_seed(0)' 'torch.manual_seed(0)' "$seed")" || return 1
        before="$(load)"
        # shellcheck disable=SC2086 # the script's flags
        out="$("$@" "$python" "$seeded" $flags "$data_dir")"
        seconds="$(echo "$out" | awk '/^training loop time/ { print $4 }')"
        accuracy="$(echo "$out" | awk '/^final_test_acc/ { print $2 }')"
        echo "  run $i (seed $seed): train ${seconds}s  test_acc $accuracy  load $before"
        echo "$seconds $accuracy $before" >> "$work/torch-$tag.txt"
    done
}

# summary TAG TITLE RATIO_TARGET ACCURACY_TARGET: medians of what `measure TAG` recorded.
summary() {
    local nb nb_acc nb_rss nb_load pt pt_acc pt_load
    nb="$(cut -d' ' -f1 "$work/nbrun-$1.txt" | median)"; nb_acc="$(cut -d' ' -f2 "$work/nbrun-$1.txt" | mean)"
    nb_rss="$(cut -d' ' -f3 "$work/nbrun-$1.txt" | sort -g | tail -1)"; nb_load="$(cut -d' ' -f4 "$work/nbrun-$1.txt" | median)"
    pt="$(cut -d' ' -f1 "$work/torch-$1.txt" | median)"; pt_acc="$(cut -d' ' -f2 "$work/torch-$1.txt" | mean)"
    pt_load="$(cut -d' ' -f3 "$work/torch-$1.txt" | median)"
    echo "== $2 (time: medians of $reps runs; accuracy: mean over seeds 0–$((reps - 1)); $(nproc) cores)"
    printf '  training loop   nbrun %.2f s (load %s)   pytorch %.2f s (load %s)\n' "$nb" "$nb_load" "$pt" "$pt_load"
    printf '  ratio           nbrun/pytorch %.2f (target <= %s)\n' "$(awk -v a="$nb" -v b="$pt" 'BEGIN { print a / b }')" "$3"
    printf '  test accuracy   nbrun %.4f   pytorch %.4f   (target %s)\n' "$nb_acc" "$pt_acc" "$4"
    printf '  per seed        nbrun %s   pytorch %s\n' "$(cut -d' ' -f2 "$work/nbrun-$1.txt" | paste -sd' ')" \
        "$(cut -d' ' -f2 "$work/torch-$1.txt" | paste -sd' ')"
    printf '  nbrun peak memory (whole render): %d MB\n' "$((nb_rss / 1024))"
}
