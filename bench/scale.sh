#!/usr/bin/env bash
# How render and check scale with the size of a notebook: prints a table of seconds, seconds per
# MB (prose) or per 1,000 cells, and peak memory. Roughly constant per-unit figures mean linear time.
#
#   bench/scale.sh                    (from anywhere; release build)
#
# Inputs (written by bench/scale_notebook.py): prose with inline and display math, headings,
# lists, code, pipe tables, {eval} roles and cells, {note} blocks, labelled equations and {eq} references;
# notebooks of tiny {eval} cells with a line of prose between each two; one display of deeply
# nested \left( … \right) and one formula with a long chain of subscripts.
#
# Environment:
#   PROSE_MB    prose sizes in MB (default "1 2 4 8")
#   CELLS       cell counts (default "5000 10000 20000 50000 100000")
#   LEFT        nesting depth of \left( (default 20000); SUBSCRIPTS chain length (default 40000)
#   REPS        runs per input below 2 MB or 20,000 cells, the median shown (default 3; larger inputs run once)
#   LIMIT       seconds after which a run is stopped and shown as ">LIMIT" (default 300)
#   NBRUN       an nbrun binary to measure instead of building one (e.g. an older build, to compare)
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
prose_mb="${PROSE_MB:-1 2 4 8}"
cell_counts="${CELLS:-5000 10000 20000 50000 100000}"
left_depth="${LEFT:-20000}"
subscripts="${SUBSCRIPTS:-40000}"
reps="${REPS:-3}"
limit="${LIMIT:-300}"

. "$root/bench/common.sh"

# run NOTEBOOK SUBCOMMAND → "seconds peak-MB exit" of one run, or ">LIMIT - timeout".
run_once() {
    local status=0
    local flags=(-o "$work/out")
    [ "$2" = render ] && flags+=(--no-cache -q)
    timeout -s KILL "$limit" /usr/bin/time -f '%e %M' -o "$work/time.txt" \
        "$nbrun" "$2" "$1" "${flags[@]}" > /dev/null 2> "$work/stderr.txt" || status=$?
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then echo ">$limit - timeout"; return; fi
    awk -v s="$status" 'END { printf "%s %d %s\n", $1, $2 / 1024, s }' "$work/time.txt"
}

# measure NOTEBOOK SUBCOMMAND RUNS → "median-seconds max-peak-MB exits".
measure() {
    local results=()
    for _ in $(seq "$3"); do
        results+=("$(run_once "$1" "$2")")
        case "${results[-1]}" in ">"*) echo "${results[-1]}"; return ;; esac
    done
    local seconds peak exits
    seconds="$(printf '%s\n' "${results[@]}" | cut -d' ' -f1 | median)"
    peak="$(printf '%s\n' "${results[@]}" | cut -d' ' -f2 | sort -g | tail -1)"
    exits="$(printf '%s\n' "${results[@]}" | cut -d' ' -f3 | sort -u | paste -sd/)"
    echo "$seconds $peak $exits"
}

per_unit() { case "$1$2" in ">"* | *-) echo "-" ;; *) awk -v s="$1" -v u="$2" 'BEGIN { printf "%.2f", s / u }' ;; esac; }

row_format='%-24s %8s %9s %10s %9s %10s %8s %6s\n'
# bench NAME UNITS UNIT-NAME RUNS NOTEBOOK (UNITS "-": no per-unit figure)
bench() {
    local render check
    render="$(measure "$5" render "$4")"
    check="$(measure "$5" check "$4")"
    read -r rs rpeak rexit <<< "$render"
    read -r cs _ cexit <<< "$check"
    local size
    size="$(awk -v b="$(stat -c %s "$5")" 'BEGIN { printf "%.1f MB", b / 1048576 }')"
    printf "$row_format" "$1" "$size" "$rs" "$(per_unit "$rs" "$2")" "$cs" "$(per_unit "$cs" "$2")" "$rpeak" "$rexit/$cexit"
}

header() { printf "$row_format" "input" "size" "render s" "$1" "check s" "$1" "peak MB" "exit"; }

echo "== render and check, --no-cache ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
header "s/MB"
for mb in $prose_mb; do
    python3 "$root/bench/scale_notebook.py" prose "$mb" > "$work/prose-$mb.md"
    runs=$(awk -v m="$mb" -v r="$reps" 'BEGIN { print (m < 2) ? r : 1 }')
    bench "prose $mb MB" "$(awk -v b="$(stat -c %s "$work/prose-$mb.md")" 'BEGIN { print b / 1048576 }')" MB "$runs" "$work/prose-$mb.md"
    rm -f "$work/prose-$mb.md"
done
echo
header "s/1k"
for count in $cell_counts; do
    python3 "$root/bench/scale_notebook.py" cells "$count" > "$work/cells-$count.md"
    runs=$(( count < 20000 ? reps : 1 ))
    bench "$count tiny cells" "$(awk -v c="$count" 'BEGIN { print c / 1000 }')" 1k "$runs" "$work/cells-$count.md"
    rm -f "$work/cells-$count.md"
done
echo
header ""
python3 "$root/bench/scale_notebook.py" left "$left_depth" > "$work/left.md"
bench "$left_depth nested \\left(" - "" "$reps" "$work/left.md"
python3 "$root/bench/scale_notebook.py" subscripts "$subscripts" > "$work/subscripts.md"
bench "$subscripts subscripts" - "" "$reps" "$work/subscripts.md"
echo
echo "exit: render/check exit status; '>$limit' stopped after $limit s"
