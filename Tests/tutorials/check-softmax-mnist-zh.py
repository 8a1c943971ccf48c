#!/usr/bin/env python3
"""Checks the run record of notebooks/softmax-mnist.zh.md rendered on the shared MNIST test set.

Usage: check-softmax-mnist-zh.py RECORD.json

The render this expects (the first 8,000 test images train, the last 2,000 evaluate):

    nbrun render notebooks/softmax-mnist.zh.md -o OUT --data-dir /work/shared/data \
        -p from=test -p train-rows=0..8000 -p test-rows=8000..10000

Prints one line per check and a final line "N passed, M failed"; exits 1 when a check fails.
"""
import sys

from record_checks import RecordChecks

from equation_marks import check_equation_marks, check_forward_reference


def run_checks(checks):
    record = checks.record
    check, in_range = checks.check, checks.in_range
    checks.check_every_cell_ran()

    # The data: both splits cut from the 10,000 test images.
    in_range("data", "train_count", 8000, 8000)
    in_range("data", "test_count", 2000, 2000)
    in_range("data", "train_first_label", 7, 7)
    in_range("data", "pixel_mean", 0.1324, 0.1326)

    # The IDX headers, read by hand.
    in_range("imgs", "magic", 2051, 2051)
    in_range("imgs", "count", 10000, 10000)
    in_range("imgs", "rows", 28, 28)
    in_range("imgs", "cols", 28, 28)
    in_range("imgs", "header_bytes", 16, 16)
    in_range("labs", "magic", 2049, 2049)
    in_range("labs", "header_bytes", 8, 8)
    in_range("labs", "first_label", 7, 7)

    # The derivation: the softmax and the logit gradient line by line, then the formula against finite differences.
    for label, lines in (("shift", 3), ("ce", 5), ("first-step", 3)):
        in_range(label, "lines", lines, lines)
        in_range(label, "failed_lines", 0, 0)
        in_range(label, "relative_error", 0, 1e-7)
    in_range("grad", "passed", 1, 1)
    in_range("grad", "W_relative_error", 0, 1e-6)
    in_range("grad", "b_relative_error", 0, 1e-6)

    # Full-batch gradient descent: one step lands in the 60s, twenty in the 80s.
    one = in_range("gd1", "test_accuracy", 0.60, 0.72)
    in_range("gd1", "steps", 1, 1)
    twenty = in_range("gd20", "test_accuracy", 0.83, 0.92)
    in_range("gd20", "steps", 20, 20)
    check("20 steps beat 1 step", one is not None and twenty is not None and twenty > one + 0.1,
          f"{twenty} vs {one}")
    in_range("gd20slow", "test_accuracy", 0.80, 0.90)

    # Minibatch SGD and the final evaluation.
    sgd = in_range("sgd", "test_accuracy", 0.89, 0.96)
    check("SGD beats 20 full-batch steps", sgd is not None and twenty is not None and sgd > twenty,
          f"{sgd} vs {twenty}")
    in_range("test", "count", 2000, 2000)
    accuracy = in_range("test", "accuracy", 0.89, 0.96)
    check("{evaluate} agrees with {train}", accuracy is not None and sgd is not None and abs(accuracy - sgd) < 1e-9,
          f"{accuracy} vs {sgd}")

    # The exercise on label smoothing is answered by a gradient check.
    in_range("smoothing", "passed", 1, 1)
    in_range("smoothing", "W_relative_error", 0, 1e-6)

    # Every equation a check proves shows ✔ next to its number; the header counts them in Chinese.
    html = checks.report_html() or ""
    check_equation_marks(check, record, html, total=9, checked=8, summary="9 个公式，8 个已核对，0 个未通过")
    check_forward_reference(check, html, "weight-gradient", "6")


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
