#!/usr/bin/env python3
"""Rewrites a Jupyter Book 1 _config.yml (a copy: bench/book.sh passes the one in its scratch
folder) so that this Python can build the book with execution off: every Sphinx extension of
`sphinx.extra_extensions` that cannot be imported here is dropped, and so is `html_theme` when
its package is missing (Jupyter Book's own theme then). Prints what it dropped, one line each.

Usage: bench/jb_config.py CONFIG
"""
import importlib.util
import sys

import yaml


def importable(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def main():
    path = sys.argv[1]
    with open(path) as f:
        config = yaml.safe_load(f)
    dropped = []
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    sphinx = config.setdefault("sphinx", {})
    extensions = sphinx.get("extra_extensions") or []
    kept = [name for name in extensions if importable(name)]
    dropped += [f"extension {name}" for name in extensions if name not in kept]
    sphinx["extra_extensions"] = kept
    options = sphinx.setdefault("config", {})
    theme = options.get("html_theme")
    if theme and not importable(theme):
        del options["html_theme"]
        options.pop("html_theme_options", None)
        dropped.append(f"html_theme {theme} (and its html_theme_options)")
    with open(path, "w") as f:
        yaml.safe_dump(config, f, sort_keys=False)
    for line in dropped:
        print(line)


if __name__ == "__main__":
    main()
