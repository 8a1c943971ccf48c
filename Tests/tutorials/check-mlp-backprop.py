#!/usr/bin/env python3
"""Checks the key numbers of notebooks/mlp-backprop.md from its run record.

Usage: check-mlp-backprop.py RECORD.json

One line per check, then `N passed, M failed`; exits 1 when a check failed. The report
RECORD.html next to the record is read for the hint that names the slip.
"""

import sys

from record_checks import RecordChecks


def run_checks(checks):
    check, cells = checks.check, checks.cells
    metrics = {label: cell.get("metrics", {}) for label, cell in cells.items()}

    checks.check_every_cell_ran(accepted=("ok", "cached"))
    check("the model has 203,530 parameters", metrics["mlp"].get("parameters") == 203530, str(metrics["mlp"].get("parameters")))
    untrained = metrics["untrained"].get("accuracy", 0)
    check("the untrained network is at chance", 0.03 < untrained < 0.2, f"{untrained:.4f}")
    for label in ("output-layer", "hidden-layer"):
        for name in ("W1", "b1") if label == "hidden-layer" else ("W2", "b2"):
            error = metrics[label].get(f"{name}_relative_error", 1)
            check(f"{label}: the right {name} formula passes (< 1e-6)", error < 1e-6, f"{error:.2e}")
    slip = metrics["slip"].get("W1_relative_error", 0)
    check("the slip is caught (W1 relative error > 1e-2)", slip > 1e-2, f"{slip:.3f}")
    html = checks.report_html() or ""
    check("the hint names the missing relu derivative", "leaves out the derivative of relu in H = relu(Z1)" in html)
    for label in ("right", "wrong"):
        check(f"{label}: trained 3 epochs", metrics[label].get("epochs") == 3)
    accuracy = metrics["train"].get("test_accuracy", 0)
    check("the recipe reaches 0.845 +- 0.01 on the test images", abs(accuracy - 0.845) <= 0.01, f"{accuracy:.4f}")
    check("{evaluate} agrees with training", abs(metrics["test"].get("accuracy", 0) - accuracy) < 1e-9)
    linear = metrics["linear"].get("test_accuracy", 0)
    check("the network beats softmax regression", accuracy > linear, f"{accuracy:.4f} vs {linear:.4f}")
    check("history is recorded per epoch", "history[9].test_accuracy" in metrics["train"])


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
