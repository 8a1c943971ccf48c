#!/usr/bin/env python3
"""Writes a large notebook for bench/scale.sh to stdout.

    scale_notebook.py prose MB        MB megabytes of sections: headings, paragraphs with inline
                                      math and {eval} roles, labelled displays and {eq} references,
                                      lists, a code block, a pipe table, and an {eval} cell and a
                                      {note} every tenth
    scale_notebook.py cells N         N tiny {eval} cells (`1 + k`), a line of prose between each two;
                                      every tenth labelled and read back by a role, every fiftieth
                                      followed by a labelled display and a reference to it
    scale_notebook.py left N          one display of N nested \\left( … \\right)
    scale_notebook.py subscripts N    one inline formula with a chain of N subscripts, x_1_2_3…

The output depends only on the arguments.
"""
import sys

FRONT_MATTER = "---\ntitle: Scale benchmark\nseed: 0\n---\n\n"


def prose_section(k):
    cell = ""
    if k % 10 == 0:
        cell = f"```{{eval}}\n:label: s{k}\nv = {k} + 1\nsoftmax([1, 2, {k % 7}])\n```\n\n"
    if k % 10 == 5:
        cell = f"```{{note}} Remember\nSection {k} keeps $\\sum_i P_i = 1$ in mind.\n```\n\n"
    later = f" and the cell above gave {{eval}}`s{k - k % 10}.v:d`" if k >= 10 else ""
    return f"""## Section {k}: softmax and its gradient

{cell}The softmax of logits $A$ is $\\sigma(A)_i = e^{{A_i}} / \\sum_j e^{{A_j}}$, so every row of
$P \\in \\mathbb{{R}}^{{N \\times 10}}$ sums to one; for $N = {k}$ rows that is {{eval}}`{k} * 10:d` entries{later}.
Its Jacobian is $\\partial P_k / \\partial A_i = P_k(\\delta_{{ki}} - P_i)$, written *by hand* and
checked by **finite differences**, with `code` and \\(x_{{{k}}} + y^2\\) as well.

$$J(W) = -\\frac{{1}}{{N}}\\sum_{{n=1}}^{{N}} \\ln P_{{y_n}}(x_n) + \\lambda \\lVert W \\rVert^2$$ (eq-{k})

By {{eq}}`eq-{k}` the gradient is

$$\\frac{{\\partial J}}{{\\partial W_{{ij}}}} = \\frac{{1}}{{N}} \\sum_n \\left( P_{{n,i}} - [y_n = i] \\right) x_{{n,j}}$$

- one-hot rows $Y = \\operatorname{{onehot}}(y, 10)$
- the mean over $N$ rows, and a step of size $\\eta = 0.1$
- a check: {{eval}}`sum(softmax([1, 2, 3])):.3f`

| symbol | meaning | shape |
| --- | --- | --- |
| $X$ | images | $N \\times 784$ |
| $W$ | weights | $784 \\times 10$ |

```python
def step(W, X, Y, lr=0.1):
    P = softmax(X @ W)
    return W - lr * X.T @ (P - Y) / len(X)  # section {k}
```

"""


def prose(megabytes):
    target = int(megabytes * 1024 * 1024)
    parts, size, k = [FRONT_MATTER], len(FRONT_MATTER), 0
    while size < target:
        section = prose_section(k)
        parts.append(section)
        size += len(section.encode())
        k += 1
    return "".join(parts)


def cells(count):
    parts = [FRONT_MATTER]
    for k in range(count):
        if k % 10 == 0:
            parts.append(f"```{{eval}}\n:label: c{k}\nv = 1 + {k}\n```\n\nCell {k} binds v.\n\n")
        elif k % 10 == 5:
            parts.append(f"```{{eval}}\n1 + {k}\n```\n\nFive cells ago v was {{eval}}`c{k - 5}.v:d`.\n\n")
        else:
            parts.append(f"```{{eval}}\n1 + {k}\n```\n\nThen {k} and $x_{{{k}}}$.\n\n")
        if k % 50 == 49:
            parts.append(f"$$y_{{{k}}} = {k} + 1$$ (e{k})\n\nAs {{eq}}`e{k}` says.\n\n")
    return "".join(parts)


def left(depth):
    return FRONT_MATTER + "Deep nesting:\n\n$$" + "\\left(" * depth + "x" + "\\right)" * depth + "$$\n"


def subscripts(count):
    return FRONT_MATTER + "A chain: $x" + "".join(f"_{k % 10}" for k in range(count)) + "$.\n"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    kind, size = sys.argv[1], sys.argv[2]
    makers = {"prose": lambda: prose(float(size)), "cells": lambda: cells(int(size)),
              "left": lambda: left(int(size)), "subscripts": lambda: subscripts(int(size))}
    if kind not in makers:
        sys.exit(__doc__)
    sys.stdout.write(makers[kind]())


if __name__ == "__main__":
    main()
