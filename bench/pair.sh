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

# measure TAG RECIPE.md "SCRIPT [FLAGS]" PREFIX…: REPS renders of the recipe and REPS runs of
# the PyTorch script (with the data folder), both under PREFIX (nothing, or "${one_core[@]}").
measure() {
    local tag=$1 recipe=$2 torch_command=$3; shift 3
    local name before seconds accuracy rss_kb out
    name="$(basename "$recipe" .md)"
    echo "== nbrun render ${recipe#"$root"/} ($reps runs${*:+, $*})"
    : > "$work/nbrun-$tag.txt"
    for i in $(seq "$reps"); do
        before="$(load)"
        "$@" /usr/bin/time -v -o "$work/time.txt" "$nbrun" render "$recipe" -o "$work/out" --data-dir "$data_root" --no-cache -q
        rss_kb="$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$work/time.txt")"
        read -r seconds accuracy < <(read_record "$work/out/$name.json")
        echo "  run $i: train ${seconds}s  test_acc $accuracy  peak RSS $((rss_kb / 1024)) MB  load $before"
        echo "$seconds $accuracy $rss_kb $before" >> "$work/nbrun-$tag.txt"
    done
    echo "== PyTorch ${torch_command#"$root"/} ($reps runs${*:+, $*})"
    : > "$work/torch-$tag.txt"
    for i in $(seq "$reps"); do
        before="$(load)"
        # shellcheck disable=SC2086 # the script and its flags
        out="$("$@" "$python" $torch_command "$data_dir")"
        seconds="$(echo "$out" | awk '/^training loop time/ { print $4 }')"
        accuracy="$(echo "$out" | awk '/^final_test_acc/ { print $2 }')"
        echo "  run $i: train ${seconds}s  test_acc $accuracy  load $before"
        echo "$seconds $accuracy $before" >> "$work/torch-$tag.txt"
    done
}

# summary TAG TITLE RATIO_TARGET ACCURACY_TARGET: medians of what `measure TAG` recorded.
summary() {
    local nb nb_acc nb_rss nb_load pt pt_acc pt_load
    nb="$(cut -d' ' -f1 "$work/nbrun-$1.txt" | median)"; nb_acc="$(cut -d' ' -f2 "$work/nbrun-$1.txt" | median)"
    nb_rss="$(cut -d' ' -f3 "$work/nbrun-$1.txt" | sort -g | tail -1)"; nb_load="$(cut -d' ' -f4 "$work/nbrun-$1.txt" | median)"
    pt="$(cut -d' ' -f1 "$work/torch-$1.txt" | median)"; pt_acc="$(cut -d' ' -f2 "$work/torch-$1.txt" | median)"
    pt_load="$(cut -d' ' -f3 "$work/torch-$1.txt" | median)"
    echo "== $2 (medians of $reps runs, $(nproc) cores)"
    printf '  training loop   nbrun %.2f s (load %s)   pytorch %.2f s (load %s)\n' "$nb" "$nb_load" "$pt" "$pt_load"
    printf '  ratio           nbrun/pytorch %.2f (target <= %s)\n' "$(awk -v a="$nb" -v b="$pt" 'BEGIN { print a / b }')" "$3"
    printf '  test accuracy   nbrun %.4f   pytorch %.4f   (target %s)\n' "$nb_acc" "$pt_acc" "$4"
    printf '  nbrun peak memory (whole render): %d MB\n' "$((nb_rss / 1024))"
}
