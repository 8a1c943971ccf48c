#!/usr/bin/env python3
"""Checks the run record of notebooks/optimizers.md rendered on Fashion-MNIST.

Usage: check-optimizers.py RECORD.json

The render this expects (3,000 training and 3,000 test images of Debian's Fashion-MNIST):

    nbrun render notebooks/optimizers.md -o OUT

Prints one line per check and a final line "N passed, M failed"; exits 1 when a check fails.
"""
import sys

from record_checks import RecordChecks


def run_checks(checks):
    metric, check, in_range = checks.metric, checks.check, checks.in_range
    checks.check_every_cell_ran()

    in_range("data", "train_count", 3000, 3000)
    in_range("data", "test_count", 3000, 3000)
    in_range("mlp", "parameters", 50890, 50890)

    # Eight epochs of 47 minibatches each, every optimiser from the same start.
    accuracy = {}
    for label in ("sgd", "momentum", "adam", "adam-dropout"):
        in_range(label, "steps", 376, 376)
        in_range(label, "diverged", 0, 0)
        accuracy[label] = in_range(label, "test_accuracy", 0.72, 0.9)
    # The prose says momentum and Adam end ahead of plain SGD.
    if None not in accuracy.values():
        check("momentum and adam end ahead of sgd", accuracy["momentum"] > accuracy["sgd"] and accuracy["adam"] > accuracy["sgd"], accuracy)
    # The loss falls under each optimiser.
    for label in ("sgd", "momentum", "adam"):
        first, last = metric(label, "history[0].train_loss"), metric(label, "train_loss")
        check(f"{label}'s training loss falls", first is not None and last is not None and last < first, f"{first} → {last}")

    # The plots drew every epoch of the curves they name.
    in_range("losses", "points", 24, 24)
    in_range("accuracies", "points", 24, 24)
    in_range("dropout-gap", "points", 32, 32)

    # Adam's first step equals the textbook formula, to Float32's rounding, and moves every entry by about η.
    in_range("adam-step", "optimizer_steps", 1, 1)
    in_range("adam-check", "difference", 0, 1e-5)
    in_range("adam-check", "step", 0.0099, 0.0101)
    in_range("adam-check", "moved", 0.9, 1)

    # Dropout narrows the gap between training and test accuracy.
    gap = metric("adam", "train_accuracy"), metric("adam", "test_accuracy")
    gap_dropout = metric("adam-dropout", "train_accuracy"), metric("adam-dropout", "test_accuracy")
    if None not in gap + gap_dropout:
        check("dropout narrows the train-test gap", gap_dropout[0] - gap_dropout[1] < gap[0] - gap[1],
              f"{gap_dropout[0] - gap_dropout[1]:.4f} vs {gap[0] - gap[1]:.4f}")


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
