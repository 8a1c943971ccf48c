#!/usr/bin/env python3
"""Checks the run record of notebooks/logistic-regression.md rendered on the shared MNIST.

Usage: check-logistic-regression.py RECORD.json

The render this expects (the 3s and 8s of the full MNIST, 11,982 training and 1,984 test images):

    nbrun render notebooks/logistic-regression.md -o OUT --data-dir /work/shared/data

Prints one line per check and a final line "N passed, M failed"; exits 1 when a check fails.
"""
import sys

from record_checks import RecordChecks


def run_checks(checks):
    cells = checks.cells
    metric, check, in_range = checks.metric, checks.check, checks.in_range
    checks.check_every_cell_ran()

    # Two classes: the 3s and 8s of MNIST's splits.
    in_range("data", "classes", 2, 2)
    in_range("data", "train_count", 11982, 11982)
    in_range("data", "test_count", 1984, 1984)

    # The sigmoid's derivative and the binary cross-entropy's gradient, derived and checked.
    for label in ("sigmoid", "bce"):
        in_range(label, "failed_lines", 0, 0)
        in_range(label, "lines", 4, 4)
        in_range(label, "relative_error", 0, 1e-6)
    in_range("logit-gradient", "passed", 1, 1)
    in_range("logit-gradient", "w_relative_error", 0, 1e-6)

    # The binary model: no dummy output, test accuracy at least 0.96, and {evaluate} agrees.
    in_range("logit", "parameters", 785, 785)
    accuracy = in_range("train", "test_accuracy", 0.96, 1)
    in_range("train", "diverged", 0, 0)
    evaluated = in_range("test", "accuracy", 0.96, 1)
    check("{evaluate} agrees with {train}", accuracy is not None and evaluated == accuracy, f"{evaluated} vs {accuracy}")
    in_range("test", "count", 1984, 1984)
    in_range("test", "precision", 0.9, 1)
    in_range("test", "recall", 0.9, 1)
    check("a 2×2 confusion matrix", sorted(k for k in cells.get("test", {}).get("metrics", {}) if k.startswith("accuracy_class_"))
          == ["accuracy_class_0", "accuracy_class_1"])

    # Least squares: the normal equations (solve, lstsq) next to gradient descent.
    in_range("normal-test", "ne_accuracy", 0.9, 1)
    in_range("normal-test", "ls_accuracy", 0.9, 1)
    closed = in_range("normal-test", "ne_rmse", 0.1, 0.4)
    rmse = in_range("line-test", "rmse", 0.1, 0.4)
    in_range("line-test", "r2", 0.5, 1)
    check("{evaluate} of the regression agrees with {train}", rmse is not None and rmse == metric("descent", "test_rmse"),
          f"{rmse} vs {metric('descent', 'test_rmse')}")
    check("a regression reports no accuracy", metric("descent", "test_accuracy") is None and metric("line-test", "accuracy") is None)

    html = checks.report_html() or ""
    check("the binary curves are named by their loss", "binary cross-entropy" in html)
    check("the regression curves are named by their loss", "mean squared error" in html)
    check("precision and recall in the page", "Positive class 8: precision" in html)
    check("predicted against true values and residuals", "Predicted vs true" in html and "residual (predicted − true)" in html)


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
