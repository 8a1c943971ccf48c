#!/bin/sh
# Extracts the real-page corpus (MyST, Jupyter Book, d2l, Quarto) into Tests/corpus/pages/
# from git snapshots of the projects in SOURCES.md. MIRROR names the folder holding them as
# <owner>+<name>/repo (bare git directories); without one the script clones each project at
# the commit SOURCES.md names (needs the network). CorpusTests renders every page found.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/pages"
mirror=${MIRROR:-/work/.mirror}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# project  commit  folders (space-separated)
projects='
QuantEcon/lecture-python-intro b9316aa5722b9d11f8a48e3e55e881426bee2b19 lectures
QuantEcon/lecture-python.myst 40e15dc23b712c68268102588d3ffada4c8b8e1f lectures
d2l-ai/d2l-en 23d7a5aecceee57d1292c56e90cce307f183bb0a chapter_introduction chapter_preliminaries chapter_linear-regression chapter_linear-classification chapter_multilayer-perceptrons chapter_builders-guide chapter_convolutional-neural-networks chapter_convolutional-modern chapter_recurrent-neural-networks chapter_recurrent-modern chapter_attention-mechanisms-and-transformers chapter_optimization chapter_computational-performance chapter_computer-vision chapter_natural-language-processing-pretraining chapter_natural-language-processing-applications chapter_recommender-systems chapter_generative-adversarial-networks chapter_reinforcement-learning chapter_gaussian-processes chapter_hyperparameter-optimization chapter_appendix-mathematics-for-deep-learning chapter_appendix-tools-for-deep-learning chapter_notation chapter_preface chapter_installation
jupyter-book/mystmd 1ad857c61d787bfcfa02da2af88cff7a93c214e6 docs
QuantEcon/lecture-python-programming.myst f365972c6a00c89d19b4a0793fb91de2893bf007 lectures
QuantEcon/lecture-python-advanced.myst b83d6da3998b4206f3d95869f7f552ed6e6f189c lectures
executablebooks/jupyter-book bb13ee76f266ca0b94b31bc22e5480b60a52002d docs
d2l-ai/d2l-zh e6b18ccea71451a55fcd861d7b96fddf2587b09a chapter_appendix-tools-for-deep-learning chapter_attention-mechanisms chapter_computational-performance chapter_computer-vision chapter_convolutional-modern chapter_convolutional-neural-networks chapter_deep-learning-computation chapter_installation chapter_introduction chapter_linear-networks chapter_multilayer-perceptrons chapter_natural-language-processing-applications chapter_natural-language-processing-pretraining chapter_notation chapter_optimization chapter_preface chapter_preliminaries chapter_recurrent-modern chapter_recurrent-neural-networks
quarto-dev/quarto-web db905f61ca3b0b1bce3158e5353d9f22fff58a08 docs/authoring docs/computations docs/get-started
'

echo "$projects" | while read -r repo commit folders; do
    [ -n "$repo" ] || continue
    key=$(echo "$repo" | tr / +)
    git_dir="$mirror/$key/repo"
    if [ ! -d "$git_dir" ]; then
        git_dir="$scratch/$key.git"
        git clone --quiet --bare --filter=blob:none "https://github.com/$repo.git" "$git_dir"
    fi
    rev=$commit
    git --git-dir "$git_dir" cat-file -e "$rev^{commit}" 2>/dev/null || rev=HEAD
    target="$out/$key"
    rm -rf "$target"
    mkdir -p "$target"
    # Page by page (a snapshot may lack large binary files): Markdown, Quarto, the project's YAML
    # and the text files pages include or show ({include}, {literalinclude}).
    # shellcheck disable=SC2086
    git --git-dir "$git_dir" ls-tree -r --name-only "$rev" -- $folders | grep -E '\.(md|qmd|yml|tex|html|txt|bib|py|mjs|css)$' | while read -r path; do
        mkdir -p "$target/$(dirname "$path")"
        git --git-dir "$git_dir" show "$rev:$path" > "$target/$path" 2>/dev/null || rm -f "$target/$path"
    done
    echo "$repo@$rev: $(find "$target" -name '*.md' -o -name '*.qmd' | wc -l) pages"
done
