"""Writes long and deeply nested seeds into the fuzz corpora (argument: the corpus folder).

libFuzzer grows its input-length limit from the longest seed, so these start every harness
at the sizes where deep nesting and long flat chains used to overflow the stack (tens of KB).
"""
import os
import sys

corpus = sys.argv[1]


def write(folder, name, text):
    os.makedirs(os.path.join(corpus, folder), exist_ok=True)
    with open(os.path.join(corpus, folder, name), "w", encoding="utf-8") as f:
        f.write(text)


expressions = {
    "deep-parentheses": "(" * 8000 + "1" + ")" * 8000,
    "chained-minus": "-" * 20000 + "1",
    "chained-transpose": "X" + ".T" * 10000,
    "chained-index": "[[1]]" + "[0]" * 10000,
    "flat-sum": "+".join(["1"] * 10000),
    "deep-calls": "relu(" * 3000 + "X" + ")" * 3000,
}
for name, text in expressions.items():
    write("expression", name, text + "\n")
    write("render", name + ".md", "# Deep\n\n```{eval}\n" + text + "\n```\n\nInline {eval}`" + text[:2000] + "`.\n")

tex = {
    "nested-left": r"\left(" * 4000 + "x" + r"\right)" * 4000,
    "nested-braces": "{" * 15000 + "x" + "}" * 15000,
    "subscripts": "".join("x_{%d}" % k for k in range(4000)),
    "nested-frac": r"\frac{1}{" * 3000 + "x" + "}" * 3000,
}
for name, text in tex.items():
    write("tex", name, text)
    write("notebook", name + ".md", "# Math\n\n$$\n" + text + "\n$$\n")
