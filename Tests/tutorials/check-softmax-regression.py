#!/usr/bin/env python3
"""Checks the key numbers of notebooks/softmax-regression.md from its run record.

Usage: check-softmax-regression.py RECORD.json

Prints one line per check and a last line `N passed, M failed`; exits 1 when a check
failed (or the record cannot be read). When the report RECORD.html lies next to the
record, the gradient-check hint on the wrong derivation, the ✔ next to every equation a
check proves and the header's equation count are checked in it as well.
"""

import sys

from equation_marks import check_equation_marks, check_forward_reference
from record_checks import RecordChecks


def run_checks(checks):
    check, metric, status_ok, record = checks.check, checks.metric, checks.status_ok, checks.record

    def in_range(name, label, key, low, high):
        checks.in_range(label, key, low, high, description=name)

    def below(name, label, key, limit):
        checks.below(label, key, limit, description=name)

    # The run as a whole.
    checks.check_every_cell_ran()

    # The data.
    in_range("Fashion-MNIST training split is whole", "data", "train_count", 60000, 60000)
    in_range("Fashion-MNIST test split is whole", "data", "test_count", 10000, 10000)
    in_range("training pixel mean", "data", "train_pixel_mean", 0.285, 0.287)

    # The loss of small random weights is about ln 10.
    in_range("initial loss is close to ln 10", "loss0", "J0", 2.0, 2.6)

    # Each step of the derivation agrees with central differences.
    below("softmax Jacobian P_k(δ_ki − P_i)", "jacobian", "jacobian_relative_error", 1e-7)
    below("gradient with respect to the logits (P − Y)/N, derived line by line", "logits", "relative_error", 1e-7)
    in_range("every line of the logit-gradient chain holds", "logits", "failed_lines", 0, 0)
    in_range("the logit-gradient chain has its six lines", "logits", "lines", 6, 6)
    below("author's grad W: X.T @ (P - Y) / N", "right", "W_relative_error", 1e-7)
    below("author's grad b: sum(P - Y, axis=0) / N", "right", "b_relative_error", 1e-7)
    in_range("right derivation passes its check", "right", "passed", 1, 1)

    # The wrong derivation is caught: the check fails, which :expect: fail turns into an ok cell.
    status_ok("wrong")
    in_range("wrong derivation fails its check", "wrong", "passed", 0, 0)
    in_range("wrong derivation is far off", "wrong", "W_relative_error", 0.1, 10)
    html = checks.report_html()
    if html is not None:
        check("the hint names the pattern 'zero wherever Y is 0'", "zero wherever Y is 0" in html)
    else:
        print("skip the hint on the wrong derivation and the equation marks: no report next to the record")

    # Every equation a check proves shows ✔ next to its number; the header counts them.
    if html is not None:
        check_equation_marks(check, record, html, total=9, checked=8, summary="9 equations, 8 checked, 0 failed")
        check_forward_reference(check, html, "weight-gradient", "7")

    # Training with the author's formulas: the right one beats the wrong one, which still learns a little.
    status_ok("sgd_right")
    status_ok("sgd_wrong")
    right = metric("sgd_right", "test_accuracy")
    wrong = metric("sgd_wrong", "test_accuracy")
    in_range("right formula trains well", "sgd_right", "test_accuracy", 0.75, 0.86)
    in_range("wrong formula trains a little (above chance)", "sgd_wrong", "test_accuracy", 0.15, 0.80)
    check("right formula beats the wrong one by 5 points or more",
          right is not None and wrong is not None and right >= wrong + 0.05,
          f"{right} vs {wrong}")

    # The standard recipe.
    status_ok("train")
    in_range("standard recipe: test accuracy", "train", "test_accuracy", 0.82, 0.845)
    in_range("standard recipe: final training loss", "train", "train_loss", 0.40, 0.50)
    in_range("standard recipe: 10 epochs", "train", "epochs", 10, 10)
    in_range("standard recipe: 2350 steps of batch 256", "train", "steps", 2350, 2350)

    # Evaluation.
    in_range("evaluation on the whole test split", "eval", "count", 10000, 10000)
    accuracy = metric("eval", "accuracy")
    trained = metric("train", "test_accuracy")
    check("evaluation agrees with training's test accuracy",
          accuracy is not None and trained is not None and abs(accuracy - trained) < 1e-9,
          f"{accuracy} vs {trained}")
    shirt = metric("eval", "accuracy_class_6")
    per_class = [metric("eval", f"accuracy_class_{k}") for k in range(10)]
    check("shirts are the hardest class",
          shirt is not None and None not in per_class and shirt == min(per_class),
          f"shirt {shirt}, lowest {min(v for v in per_class if v is not None) if any(v is not None for v in per_class) else None}")
    in_range("mistakes shown are all wrong predictions", "mistakes", "wrong_shown", 12, 12)
    status_ok("templates")


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
