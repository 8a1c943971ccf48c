#!/usr/bin/env python3
"""Checks the key numbers of notebooks/softmax-regression.md from its run record.

Usage: check-softmax-regression.py RECORD.json

Prints one line per check and a last line `N passed, M failed`; exits 1 when a check
failed (or the record cannot be read). When the report RECORD.html lies next to the
record, the gradient-check hint on the wrong derivation, the ✔ next to every equation a
check proves and the header's equation count are checked in it as well.
"""

import json
import math
import os
import sys

from equation_marks import check_equation_marks, check_forward_reference

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}")


def main():
    if len(sys.argv) != 2:
        print("usage: check-softmax-regression.py RECORD.json", file=sys.stderr)
        return 2
    path = sys.argv[1]
    try:
        with open(path, encoding="utf-8") as f:
            record = json.load(f)
    except (OSError, ValueError) as error:
        check("read the run record", False, str(error))
        print(f"{passed} passed, {failed} failed")
        return 1

    cells = {cell.get("label"): cell for cell in record.get("cells", [])}

    def cell(label):
        return cells.get(label)

    def metric(label, name):
        """The metric, or None when the cell or the metric is missing."""
        c = cell(label)
        if c is None:
            return None
        value = c.get("metrics", {}).get(name)
        return value if isinstance(value, (int, float)) else None

    def in_range(name, label, key, low, high):
        value = metric(label, key)
        ok = value is not None and math.isfinite(value) and low <= value <= high
        check(name, ok, f"{label}.{key} = {value} (expected {low} … {high})")

    def below(name, label, key, limit):
        value = metric(label, key)
        ok = value is not None and math.isfinite(value) and value < limit
        check(name, ok, f"{label}.{key} = {value} (expected < {limit:g})")

    def status_ok(label):
        c = cell(label)
        status = None if c is None else c.get("status")
        detail = "no cell labelled " + label if c is None else f"status {status}"
        if c is not None and c.get("error"):
            detail += ": " + c["error"].splitlines()[0]
        check(f"cell {label} ran", status == "ok", detail)

    # The run as a whole.
    errors = record.get("errors", [])
    check("every cell ran without error", record.get("status") == "ok" and not errors,
          f"status {record.get('status')}" + (f", first error: {errors[0].splitlines()[0]}" if errors else ""))

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
    html_path = os.path.splitext(path)[0] + ".html"
    html = None
    if os.path.exists(html_path):
        with open(html_path, encoding="utf-8") as f:
            html = f.read()
        check("the hint names the pattern 'zero wherever Y is 0'", "zero wherever Y is 0" in html)
    else:
        print(f"skip the hint on the wrong derivation and the equation marks: no report at {html_path}")

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

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
