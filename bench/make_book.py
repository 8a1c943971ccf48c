#!/usr/bin/env python3
"""Writes a test course of N generated notebooks (default 200) into FOLDER, with a myst.yml:
chapters of ten sections, each page loading Fashion-MNIST (the first 2,000 rows), training a
softmax regression for one epoch with its own seed and learning rate, and a few paragraphs of
prose with a numbered equation that the next page refers to.

Usage: bench/make_book.py FOLDER [N]
"""
import os
import sys

WORDS = ("gradient descent softmax logits probability cross entropy batch epoch weight bias "
         "pixel image label class accuracy loss rate step update derivative chain rule").split()


def prose(page, paragraphs=4, sentences=5):
    out = []
    for p in range(paragraphs):
        sentence_list = []
        for s in range(sentences):
            words = [WORDS[(page * 7 + p * 5 + s * 3 + k) % len(WORDS)] for k in range(12)]
            sentence_list.append(" ".join(words).capitalize() + ".")
        out.append(" ".join(sentence_list))
    return "\n\n".join(out)


def page(number, total):
    previous = f"Equation {{eq}}`loss-{number - 1}` of [the previous page](page-{number - 1:03d}.md) " if number > 1 else ""
    return f"""---
title: Page {number}
seed: {number}
---
# Page {number}

{prose(number)}

The loss this page minimises, marker word page{number:03d}:

$$J_{{{number}}} = -\\frac{{1}}{{N}} \\sum_i \\log p_{{i, y_i}}$$ (loss-{number})

{previous}defined the same loss.

```{{load}} fashion-mnist
:label: data
:limit: 2000
```

```{{train}} softmax
:label: train
:batch: 200
:lr: {0.05 + 0.01 * (number % 10):.2f}
:epochs: 1
:init: normal(0.01)
```

The model reaches {{eval}}`train.test_accuracy:.1%` on the test rows.

{prose(number + 1000, paragraphs=2)}
"""


def main():
    folder = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    os.makedirs(folder, exist_ok=True)
    toc = []
    for chapter in range(0, total, 10):
        first = chapter + 1
        toc.append(f"    - file: page-{first:03d}.md")
        children = [f"        - file: page-{n:03d}.md" for n in range(first + 1, min(first + 10, total + 1))]
        if children:
            toc.append("      children:")
            toc.extend(children)
    with open(os.path.join(folder, "myst.yml"), "w") as f:
        f.write("version: 1\nproject:\n  title: Generated course\n  numbering: true\n  toc:\n" + "\n".join(toc) + "\n")
    for number in range(1, total + 1):
        with open(os.path.join(folder, f"page-{number:03d}.md"), "w") as f:
            f.write(page(number, total))


if __name__ == "__main__":
    main()
