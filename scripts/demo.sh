#!/usr/bin/env bash
# make demo: renders every notebook whose data is here. A data set that is missing is fetched
# with `nbrun data fetch` when the network allows; otherwise its notebooks are skipped, each
# named in one line with the command that gets its data. When every notebook is ready it also
# builds them as one course into OUT/site/. Exits with the render's (then the build's) status.
# Usage: scripts/demo.sh NBRUN OUT [NOTEBOOK…]   (default: notebooks/*.md)
set -uo pipefail
nbrun=$1
out=$2
shift 2
notebooks=("$@")
whole_course=no
[ ${#notebooks[@]} -gt 0 ] || { notebooks=(notebooks/*.md); whole_course=yes; }

declare -A available
for name in $(sed -n 's/^```{load} *\([a-z-]*\).*/\1/p' "${notebooks[@]}" | sort -u); do
  if "$nbrun" data list | grep -q "^$name: found in "; then
    available[$name]=yes
  elif reason=$("$nbrun" data fetch "$name" 2>&1 >/dev/null); then
    available[$name]=yes
  else
    case "$reason" in *"no network"*) available[$name]="no network to download it" ;;
                      *) available[$name]="its download failed: ${reason#error: }" ;; esac
  fi
done

ready=()
for notebook in "${notebooks[@]}"; do
  skip=""
  for name in $(sed -n 's/^```{load} *\([a-z-]*\).*/\1/p' "$notebook" | sort -u); do
    if [ "${available[$name]}" != yes ]; then
      skip="skipped $notebook: needs $name, which is not here (${available[$name]}); get it with: $nbrun data fetch $name"
    fi
  done
  if [ -n "$skip" ]; then echo "$skip"; else ready+=("$notebook"); fi
done

[ ${#ready[@]} -gt 0 ] || exit 0
"$nbrun" render "${ready[@]}" -o "$out" || exit $?
# The same notebooks as one course (notebooks/myst.yml), when every one of them is ready:
# $out/site/index.html, numbered and linked across chapters, searchable offline.
[ "$whole_course" = yes ] && [ -f notebooks/myst.yml ] || exit 0
if [ ${#ready[@]} -eq ${#notebooks[@]} ]; then
  "$nbrun" build notebooks -o "$out/site"
else
  echo "the course site $out/site is not built: it needs every notebook of notebooks/myst.yml"
fi
