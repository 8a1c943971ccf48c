#!/usr/bin/env python3
"""Checks the key numbers of notebooks/cnn-lenet.md from its run record.

Usage: check-cnn-lenet.py RECORD.json

One line per check, then `N passed, M failed`; exits 1 when a check failed. The report
RECORD.html next to the record is read for the kernels and feature maps.
"""

import json
import os
import sys

from record_checks import RecordChecks


def run_checks(checks):
    check, cells = checks.check, checks.cells
    metrics = {label: cell.get("metrics", {}) for label, cell in cells.items()}

    checks.check_every_cell_ran(accepted=("ok", "cached"))
    check("LeNet-5 has 61,706 parameters", metrics["lenet"].get("parameters") == 61706, str(metrics["lenet"].get("parameters")))
    for label in ("conv-gradient", "pool-gradient"):
        cell = cells.get(label, {})
        check(f"{label}: every line of the derivation holds", cell.get("status") == "ok" and "✘" not in json.dumps(cell, ensure_ascii=False))
    source = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "notebooks", "cnn-lenet.md"), encoding="utf-8").read()
    train_cell = source[source.index(":label: train\n"):].split("```")[0]
    check("LeNet-5 trains with Adam (lr 0.001)", ":optimizer: adam\n" in train_cell and ":lr: 0.001\n" in train_cell)
    check("two epochs of 188 steps (6,000 rows, batch 32)", metrics["train"].get("optimizer_steps") == 376, str(metrics["train"].get("optimizer_steps")))
    lenet = metrics["train"].get("test_accuracy", 0)
    dense = metrics["dense"].get("test_accuracy", 0)
    check("LeNet-5 reaches 0.75 on the test images", lenet >= 0.75, f"{lenet:.4f}")
    check("LeNet-5 beats the hidden-layer network on the same data", lenet > dense, f"{lenet:.4f} vs {dense:.4f}")
    check("{evaluate} agrees with training", abs(metrics["test"].get("accuracy", 0) - lenet) < 1e-9)
    html = checks.report_html() or ""
    kernels = html.count('alt="K1 kernel ')
    check("the six kernels of the first layer are shown", kernels == 6, str(kernels))
    maps = html.count('alt="A1, map ')
    check("six feature maps of three images are shown", maps == 18, str(maps))


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
