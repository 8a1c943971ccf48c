#!/usr/bin/env bash
# A course of 200 generated notebooks (bench/make_book.py: each loads Fashion-MNIST's first
# 2,000 rows, trains a softmax regression for an epoch, a few paragraphs of prose and an
# equation the next page cites), built by `nbrun build`:
#   - cold with -j 1 and with -j 2 (the goal: -j 2 in at most 0.6× the time of -j 1);
#   - the data reads the build record counts (the goal: each data set read once per build);
#   - a rebuild with nothing changed (the goal: no cell run, at most 5 % of the cold build);
#   - a one-word edit of one page (the pages rebuilt);
# then the QuantEcon lecture series lecture-python-intro with its own _toc.yml, built by nbrun
# and by Jupyter Book 1 (execution off; bench/jb_config.py drops from a copy of its _config.yml the
# extensions and theme this Python lacks, and says which) side by side, cold and warm (the goals: at most 0.2×
# Jupyter Book's cold time and 0.05× its warm time).
# Medians of REPS runs, the load average printed beside every figure.
# Usage: bench/book.sh [REPS] [PAGES]   (make bench-book; NBRUN=path measures another build)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reps=${1:-3}
pages=${2:-200}
source bench/common.sh

load() { cut -d' ' -f1-3 /proc/loadavg; }
seconds() { /usr/bin/time -f %e -o "$work/time" "$@" > /dev/null 2>> "$work/errors.log"; local status=$?; tail -1 "$work/time"; return $status; }
ratio() { echo "scale=3; $1 / $2" | bc -l; }

book=$work/book
python3 bench/make_book.py "$book" "$pages"
echo "== a generated course of $pages notebooks; $reps runs each"

cold1=() cold2=() warm=() load1=() load2=() loadw=()
for _ in $(seq "$reps"); do
  rm -rf "$work/out1" "$work/out2"
  load1+=("$(load)"); cold1+=("$(seconds "$nbrun" build "$book" -o "$work/out1" -j 1 -q)")
  load2+=("$(load)"); cold2+=("$(seconds "$nbrun" build "$book" -o "$work/out2" -j 2 -q)")
  loadw+=("$(load)"); warm+=("$(seconds "$nbrun" build "$book" -o "$work/out2" -j 2 -q)")
done
c1=$(printf '%s\n' "${cold1[@]}" | median)
c2=$(printf '%s\n' "${cold2[@]}" | median)
w=$(printf '%s\n' "${warm[@]}" | median)
printf '%-34s %8s s   (%s)   load average %s\n' "cold build -j 1" "$c1" "${cold1[*]}" "${load1[*]}"
printf '%-34s %8s s   (%s)   load average %s\n' "cold build -j 2" "$c2" "${cold2[*]}" "${load2[*]}"
printf '%-34s %8s ×   (goal ≤ 0.6)\n' "-j 2 / -j 1" "$(ratio "$c2" "$c1")"
printf '%-34s %8s s   (%s)   load average %s\n' "rebuild, nothing changed, -j 2" "$w" "${warm[*]}" "${loadw[*]}"
printf '%-34s %8s ×   (goal ≤ 0.05)\n' "rebuild / cold -j 2" "$(ratio "$w" "$c2")"
python3 - "$work/out2/build.json" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
ran = sum(1 for page in record["pages"] for cell in page["cells"] if cell["status"] in ("ok", "error"))
unchanged = sum(1 for page in record["pages"] if page.get("unchanged"))
print(f"{'rebuild: cells run':34} {ran:8}     pages parsed {record.get('pages_parsed')}, unchanged {unchanged} of {len(record['pages'])}")
PY
python3 - "$work/out1/build.json" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
for read in record.get("data_reads", []):
    print(f"{'cold build: data read':34} {read['reads']:8}×    {read['files']} (used by {read['uses']} cells; goal: read once)")
if not record.get("data_reads"):
    print("cold build: no data set read (every {load} came from the cache?)")
PY

# One word of one page.
sed -i 's/marker word page100/marker word page100 edited/' "$book/page-100.md"
l=$(load); e=$(seconds "$nbrun" build "$book" -o "$work/out2" -j 2 -q)
python3 - "$work/out2/build.json" "$e" "$l" <<'PY'
import json, sys
record = json.load(open(sys.argv[1]))
rebuilt = [page["file"] for page in record["pages"] if not page.get("unchanged")]
print(f"{'one-word edit of page 100':34} {float(sys.argv[2]):8.2f} s   rebuilt: {', '.join(rebuilt)}   load average {sys.argv[3]}")
PY

# The QuantEcon lecture series, against Jupyter Book 1: the whole lectures folder (images and
# data included) at the commit Tests/corpus/fetch.sh names, from its git mirror (MIRROR, as for
# fetch.sh) when there is one, else the pages fetch.sh extracted (text only: the pages showing
# images then fail, for both builders, and are built again every time).
intro=Tests/corpus/pages/QuantEcon+lecture-python-intro/lectures
mirror=${MIRROR:-/work/.mirror}/QuantEcon+lecture-python-intro/repo
commit=$(awk '$1 == "QuantEcon/lecture-python-intro" { print $2 }' Tests/corpus/fetch.sh)
mkdir -p "$work/series"
if [ -n "$commit" ] && git --git-dir "$mirror" archive "$commit" lectures 2> /dev/null | tar -x -C "$work/series" 2> /dev/null; then
  intro="$work/series/lectures"
  origin="its git mirror at ${commit:0:7}, images included"
elif [ -f "$intro/_toc.yml" ]; then
  origin="$intro, without images"
else
  echo "== QuantEcon lecture-python-intro: skipped (no git mirror and no $intro/_toc.yml: run Tests/corpus/fetch.sh)"
  exit 0
fi
echo "== QuantEcon lecture-python-intro ($(grep -c 'file:' "$intro/_toc.yml") pages in _toc.yml; $origin), execution off; $reps runs each"
# A copy of the series (the fetched files are never edited), its _config.yml with execution off.
cp -r "$intro" "$work/intro"
sed -i 's/^\(\s*execute_notebooks:\).*/\1 "off"/' "$work/intro/_config.yml"
ours_cold=() ours_warm=() lo_cold=() lo_warm=()
for _ in $(seq "$reps"); do
  rm -rf "$work/intro-site"
  lo_cold+=("$(load)"); ours_cold+=("$(seconds "$nbrun" build "$work/intro" -o "$work/intro-site" -q)")
  lo_warm+=("$(load)"); ours_warm+=("$(seconds "$nbrun" build "$work/intro" -o "$work/intro-site" -q)")
done
oc=$(printf '%s\n' "${ours_cold[@]}" | median)
ow=$(printf '%s\n' "${ours_warm[@]}" | median)
if ! command -v jupyter-book > /dev/null; then
  printf '%-34s %8s s   (%s)   load average %s\n' "nbrun cold" "$oc" "${ours_cold[*]}" "${lo_cold[*]}"
  printf '%-34s %8s s   (%s)   load average %s\n' "nbrun warm" "$ow" "${ours_warm[*]}" "${lo_warm[*]}"
  echo "Jupyter Book 1: not installed (pip install \"jupyter-book<2\"); no comparison"
  exit 0
fi
# Jupyter Book builds its own copy, whose _config.yml drops what this Python cannot import
# (bench/jb_config.py says which: an extension, the theme); a failing build is reported, never timed.
cp -r "$intro" "$work/intro-jb"
echo "Jupyter Book $(jupyter-book --version 2>/dev/null | grep -i -m1 'jupyter book' | grep -o '[0-9][0-9.a-z]*$'), its _config.yml with execution off and without:"
python3 bench/jb_config.py "$work/intro-jb/_config.yml" | sed 's/^/  dropped: /'
if ! jupyter-book build "$work/intro-jb" > "$work/jupyter-book.log" 2>&1; then
  echo "Jupyter Book 1 cannot build the series here, no comparison: $(grep -m1 -E 'No module named|Extension error|Error' "$work/jupyter-book.log")"
  exit 0
fi
theirs_cold=() theirs_warm=() lt_cold=() lt_warm=()
for _ in $(seq "$reps"); do
  rm -rf "$work/intro-jb/_build"
  lt_cold+=("$(load)"); theirs_cold+=("$(seconds jupyter-book build "$work/intro-jb")")
  lt_warm+=("$(load)"); theirs_warm+=("$(seconds jupyter-book build "$work/intro-jb")")
done
tc=$(printf '%s\n' "${theirs_cold[@]}" | median)
tw=$(printf '%s\n' "${theirs_warm[@]}" | median)
printf '%-22s %10s %10s   %s\n' "" "nbrun" "JB1" "nbrun / JB1"
printf '%-22s %9ss %9ss   %8s ×   (goal ≤ 0.2)\n' "cold build" "$oc" "$tc" "$(ratio "$oc" "$tc")"
printf '%-22s %9ss %9ss   %8s ×   (goal ≤ 0.05)\n' "warm build" "$ow" "$tw" "$(ratio "$ow" "$tw")"
printf '  nbrun cold runs: %s   load average %s\n' "${ours_cold[*]}" "${lo_cold[*]}"
printf '  nbrun warm runs: %s   load average %s\n' "${ours_warm[*]}" "${lo_warm[*]}"
printf '  JB1 cold runs:   %s   load average %s\n' "${theirs_cold[*]}" "${lt_cold[*]}"
printf '  JB1 warm runs:   %s   load average %s\n' "${theirs_warm[*]}" "${lt_warm[*]}"
