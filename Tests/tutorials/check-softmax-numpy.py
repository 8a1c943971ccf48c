#!/usr/bin/env python3
"""Checks notebooks/softmax-numpy.md from its run record against the same recipe computed here.

Usage: check-softmax-numpy.py RECORD.json

The recipe — the data set the notebook finds (MNIST, else Fashion-MNIST, searched from the
notebook's folder), weights N(0, 0.01²) from numpy's default_rng(0), zero bias, full-batch
descent on the first 10,000 training images (lr 0.5, 100 steps), minibatch descent over all
of them (lr 0.1, 3 epochs, batches of 100, order from default_rng(1)) — is computed here
without the notebook's code, and every number the prose quotes from the kernel must equal it
to the digits shown. The report RECORD.html next to the record is read for the hint.
One line per check, then `N passed, M failed`; exits 1 when a check failed.
"""

import gzip
import os
import sys

import numpy as np

from record_checks import RecordChecks


def read_idx(path):
    data = gzip.open(path, "rb").read()
    dims = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find_data(notebooks):
    roots = [os.environ.get("NBRUN_DATA_DIR"), "data", "../data", "../../shared/data", "/usr/share/datasets"]
    for name in ("mnist", "fashion-mnist"):
        for root in filter(None, roots):
            folder = os.path.join(notebooks, root, name)
            if os.path.exists(os.path.join(folder, "train-images-idx3-ubyte.gz")):
                return name, folder
    raise SystemExit("no data set found")


def probabilities(W, b, X):
    A = X @ W + b
    E = np.exp(A - A.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def recipe(folder):
    X = read_idx(f"{folder}/train-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0
    y = read_idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64)
    Xt = read_idx(f"{folder}/t10k-images-idx3-ubyte.gz").reshape(-1, 784) / 255.0
    yt = read_idx(f"{folder}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    W0 = np.random.default_rng(0).normal(0, 0.01, size=(784, 10))
    b0 = np.zeros(10)

    def loss(W, b, X, y):
        return float(-np.mean(np.log(probabilities(W, b, X)[np.arange(len(y)), y])))

    def accuracy(W, b, X, y):
        return float(np.mean(np.argmax(X @ W + b, axis=1) == y))

    def step(W, b, X, y, lr):
        G = probabilities(W, b, X)
        G[np.arange(len(y)), y] -= 1
        return W - lr * X.T @ G / len(y), b - lr * G.sum(axis=0) / len(y)

    W, b = W0, b0
    for _ in range(100):
        W, b = step(W, b, X[:10000], y[:10000], 0.5)
    numbers = {"initial loss": loss(W0, b0, X, y), "initial accuracy": accuracy(W0, b0, Xt, yt),
               "full-batch loss": loss(W, b, X[:10000], y[:10000]), "full-batch accuracy": accuracy(W, b, Xt, yt)}
    rng = np.random.default_rng(1)
    W, b = W0, b0
    curve = []
    for _ in range(3):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 100):
            rows = order[start:start + 100]
            W, b = step(W, b, X[rows], y[rows], 0.1)
        curve.append(accuracy(W, b, Xt, yt))
    numbers["minibatch accuracy"] = curve[-1]
    return numbers, len(X), len(Xt)


def shown(text, value):
    """Whether `text` (`0.903`, `90.3%`) is `value` to the digits it shows."""
    percent = text.endswith("%")
    number = float(text.rstrip("%")) / (100 if percent else 1)
    digits = len(text.rstrip("%").partition(".")[2]) + (2 if percent else 0)
    return abs(number - value) <= 0.5 * 10 ** -digits + 1e-12


def run_checks(checks):
    check, record = checks.check, checks.record
    metrics = {label: cell.get("metrics", {}) for label, cell in checks.cells.items()}
    checks.check_every_cell_ran()
    values = {entry["expression"]: entry for entry in record.get("inline_values", [])}
    check("every inline value has a value", values and all("value" in e for e in values.values()))

    wrong = metrics.get("true-class-only", {})
    check("the true-class-only gradient is caught", wrong.get("passed") == 0 and wrong.get("W_relative_error", 0) > 0.1,
          f"W relative error {wrong.get('W_relative_error')}")
    html = checks.report_html() or ""
    check("the hint names the true-class-only mistake", "it keeps only the true-class term" in html)
    right = metrics.get("right", {})
    check("the right gradient passes", right.get("passed") == 1 and right.get("W_relative_error", 1) < 1e-6
          and right.get("b_relative_error", 1) < 1e-6, f"W {right.get('W_relative_error')}, b {right.get('b_relative_error')}")
    check("the right check compared 2,000 entries of W", right.get("W_entries_compared") == 2000, str(right.get("W_entries_compared")))
    check("the derivation on the kernel's arrays holds", metrics.get("chain", {}).get("failed_lines") == 0)

    notebooks = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "notebooks")
    name, folder = find_data(notebooks)
    numbers, train, test = recipe(folder)
    check("the data set", values.get("dataset", {}).get("value") == name, f"{values.get('dataset', {}).get('value')} vs {name}")
    check("the image counts", values.get("len(X_train)", {}).get("value") == str(train) and values.get("len(X_test)", {}).get("value") == str(test))
    quoted = {
        "initial loss": "loss(W, b, X_train, y_train):.4f",
        "initial accuracy": "accuracy(W, b, X_test, y_test):.1%",
        "full-batch loss": "loss(W_full, b_full, X_train[:10000], y_train[:10000]):.3f",
        "full-batch accuracy": "accuracy(W_full, b_full, X_test, y_test):.1%",
        "minibatch accuracy": "curve[-1]:.1%",
    }
    for what, expression in quoted.items():
        text = values.get(expression, {}).get("value", "")
        ok = bool(text) and shown(text, numbers[what])
        check(f"{what} matches the recipe", ok, f"page {text}, recipe {numbers[what]:.6f}")


if __name__ == "__main__":
    sys.exit(RecordChecks.main(sys.argv, run_checks))
