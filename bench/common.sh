# Sourced by the bench scripts (with $root set to the repository): the nbrun to measure, a
# scratch folder removed on exit, and the median and mean of numbers read one per line.

# $NBRUN if set (e.g. an older build, to compare), else a release build with the Makefile's CPU
# tuning (exported by make; asked of make when a script is run directly).
if [ -n "${NBRUN:-}" ]; then
    nbrun="$NBRUN"
else
    echo "== building nbrun (release)"
    tuning="${NBRUN_SWIFT_TUNING-$(make -s -C "$root" tuning-flags)}"
    (cd "$root" && swift build -c release $tuning --product nbrun 2>&1 | tail -1)
    nbrun="$root/.build/release/nbrun"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mean() { awk '{ total += $1 } END { if (NR) printf "%.4f\n", total / NR }'; }
