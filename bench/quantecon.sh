#!/usr/bin/env bash
# Three real QuantEcon lectures that need only NumPy, SciPy and Matplotlib, executed by nbrun
# and by `jupyter nbconvert --execute` (after jupytext's conversion to .ipynb): both times
# (medians), their ratio, two lectures rendered in one call against one after the other, the
# numbers each printed compared cell by cell, the figures each embedded, and the load average.
# Every figure is printed with the load average beside it; the script exits 1 when a lecture's
# printed numbers or its figures differ from nbconvert's (or a render fails).
# Usage: bench/quantecon.sh [REPS]   (make bench-quantecon; NBRUN=path measures another build)
# The lectures come from Tests/corpus/pages (Tests/corpus/fetch.sh), else Tests/corpus/sample.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reps=${1:-3}
# lln_clt, measured before, is left out: it draws over 2e9 random numbers and holds two 2 GB
# arrays (250 × 1,000,000 draws, twice): minutes of NumPy/SciPy work in either runner, so its
# ratio measures NumPy, not the runner. linear_equations (NumPy and Matplotlib, deterministic)
# takes its place.
# LECTURES="a b c" measures others of the series.
read -r -a lectures <<< "${LECTURES:-cobweb eigen_I linear_equations}"
folder=""
for candidate in Tests/corpus/pages/QuantEcon+lecture-python-intro/lectures Tests/corpus/sample/QuantEcon+lecture-python-intro/lectures; do
  found=1
  for lecture in "${lectures[@]}"; do [ -f "$candidate/$lecture.md" ] || found=0; done
  if [ "$found" = 1 ]; then folder=$candidate; break; fi
done
[ -n "$folder" ] || { echo "no QuantEcon lectures: run Tests/corpus/fetch.sh"; exit 2; }

missing=()
python3 -c "import jupytext" 2> /dev/null || missing+=("jupytext (pip install jupytext)")
python3 -c "import nbconvert" 2> /dev/null || missing+=("nbconvert (pip install nbconvert)")
python3 -c "import nbformat" 2> /dev/null || missing+=("nbformat (pip install nbformat)")
for module in numpy scipy matplotlib ipykernel; do
  /usr/bin/python3 -c "import $module" 2> /dev/null || missing+=("$module for the kernel (apt-get install python3-$module)")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/quantecon.sh needs what is missing here:"
  printf '  %s\n' "${missing[@]}"
  exit 2
fi

# Both runners use the kernel of the Python checked above (Debian's, /usr/bin/python3): a pip
# install elsewhere (a pyenv or virtualenv Python) can bring a "python3" kernelspec of its own,
# which nbconvert would find first and which may lack NumPy or Matplotlib.
export JUPYTER_PATH="/usr/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"

source bench/common.sh
seconds() { /usr/bin/time -f %e -o "$work/time" "$@" > /dev/null 2>> "$work/errors.log"; local status=$?; cat "$work/time" | tail -1; return $status; }

echo "== lectures from $folder; $reps runs each; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
load() { cut -d' ' -f1 /proc/loadavg; }
printf '%-16s %10s %12s %8s %6s  %s\n' lecture "nbrun s" "nbconvert s" ratio load "printed numbers; figures"
total_nbrun=0
alone_seconds=()
differ=0
for lecture in "${lectures[@]}"; do
  mkdir -p "$work/$lecture"
  cp "$folder/$lecture.md" "$work/$lecture/$lecture.md"
  python3 -m jupytext --quiet --to ipynb "$work/$lecture/$lecture.md" -o "$work/$lecture/$lecture.ipynb" 2>> "$work/errors.log" \
    || { echo "$lecture: jupytext failed"; continue; }
  ours=() theirs=()
  for _ in $(seq "$reps"); do
    ours+=("$(seconds "$nbrun" render "$work/$lecture/$lecture.md" -o "$work/$lecture/out" --no-cache -q)") || differ=1
    theirs+=("$(seconds python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=python3 \
      "$work/$lecture/$lecture.ipynb" --output "$lecture.executed.ipynb" --output-dir "$work/$lecture")")
  done
  a=$(printf '%s\n' "${ours[@]}" | median)
  b=$(printf '%s\n' "${theirs[@]}" | median)
  total_nbrun=$(echo "$total_nbrun + $a" | bc -l)
  alone_seconds+=("$a")
  comparison=$(python3 - "$work/$lecture/out/$lecture.html" "$work/$lecture/$lecture.executed.ipynb" <<'PY'
import html, json, re, sys
page, notebook = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2], encoding="utf-8"))
number = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
# nbrun: each code cell's outputs follow it, up to the next code cell
chunks = page.split('class="nb-code-cell"')[1:]
ours, our_figures = [], 0
for chunk in chunks:
    texts = re.findall(r'<pre class="nb-text[^"]*">(.*?)</pre>', chunk, re.S)
    ours.append(number.findall(html.unescape(re.sub(r"<[^>]+>", "", "".join(texts)))))
    our_figures += chunk.count("data:image/png") + chunk.count("<svg")
theirs, their_figures = [], 0
for cell in notebook["cells"]:
    if cell["cell_type"] != "code":
        continue
    text = ""
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            text += "".join(output["text"])
        elif "data" in output:
            data = output["data"]
            if "image/png" in data or "image/svg+xml" in data:
                their_figures += 1
            elif "text/plain" in data:
                text += "".join(data["text/plain"])
    theirs.append(number.findall(text))
same = sum(1 for a, b in zip(ours, theirs) if a == b)
equal = same == len(theirs) == len(ours) and our_figures == their_figures
with_numbers = sum(1 for b in theirs if b)
differing = [i + 1 for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
print(f"{same} of {len(theirs)} cells print the same numbers ({with_numbers} print any)"
      + (f", cells {differing[:8]} differ" if differing else "")
      + (f"; {len(ours)} code cells against {len(theirs)}" if len(ours) != len(theirs) else "")
      + f"; figures {our_figures} / {their_figures}" + ("" if equal else " DIFFERENT"))
PY
)
  case "$comparison" in *DIFFERENT*|"") differ=1 ;; esac
  printf '%-16s %10.2f %12.2f %8.2f %6s  %s\n' "$lecture" "$a" "$b" "$(echo "$a / $b" | bc -l)" "$(load)" "$comparison"
done

# Lectures in one call (nbrun renders pages concurrently, one worker per core) against the sum of
# each one's median alone (above): the two closest in length, then all of them. A call cannot end
# before its longest page, so the best ratio is that page's share of the sum ("at best").
together_line() {  # together_line LABEL INDEX…: the lectures at those places of $lectures
  local label=$1; shift
  local alone=0 longest=0 s pages=() together=() t
  for index in "$@"; do
    s=${alone_seconds[$index]}
    alone=$(echo "$alone + $s" | bc -l)
    longest=$(echo "if ($s > $longest) $s else $longest" | bc -l)
    pages+=("$work/${lectures[$index]}/${lectures[$index]}.md")
  done
  for _ in $(seq "$reps"); do together+=("$(seconds "$nbrun" render "${pages[@]}" -o "$work/together" --no-cache -q)"); done
  t=$(printf '%s\n' "${together[@]}" | median)
  printf '%s: one after the other %.2f s, in one call %.2f s (%.2f x; at best %.2f x), load %s\n' "$label" "$alone" "$t" \
    "$(echo "$t / $alone" | bc -l)" "$(echo "$longest / $alone" | bc -l)" "$(load)"
}
if [ ${#alone_seconds[@]} -eq ${#lectures[@]} ] && [ ${#lectures[@]} -ge 2 ]; then
  pair=$(for i in "${!lectures[@]}"; do for j in "${!lectures[@]}"; do [ "$i" -lt "$j" ] && \
    echo "$(echo "d = ${alone_seconds[$i]} - ${alone_seconds[$j]}; if (d < 0) -d else d" | bc -l) $i $j"; done; done | sort -g | head -1)
  read -r _ first second <<< "$pair"
  together_line "${lectures[$first]} and ${lectures[$second]} (closest in length)" "$first" "$second"
  together_line "all ${#lectures[@]} lectures" "${!lectures[@]}"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -s "$work/errors.log" ]; then echo "== stderr of the runs (last lines)"; tail -5 "$work/errors.log"; fi
[ "$differ" -eq 0 ] || { echo "the lectures' printed numbers or figures differ from nbconvert's (or a render failed)"; exit 1; }
