"""What the tutorial checkers share: the run record read from the command line, one printed
line per check, the record's metrics by cell label, the report next to the record, and the
closing "N passed, M failed" line."""
import json
import math
import os
import sys


class RecordChecks:
    def __init__(self, record, path=None):
        self.record = record
        self.path = path
        self.cells = {cell.get("label"): cell for cell in record.get("cells", [])}
        self.results = []
        self._html = False

    @classmethod
    def from_arguments(cls, argv):
        """The checks of the record named by argv[1]. None (after the usage line) for a bad
        command line; a record that cannot be read gives checks holding one failed check."""
        if len(argv) != 2:
            print(f"usage: {os.path.basename(argv[0])} RECORD.json", file=sys.stderr)
            return None
        try:
            with open(argv[1], encoding="utf-8") as handle:
                return cls(json.load(handle), argv[1])
        except (OSError, ValueError) as error:
            checks = cls({}, argv[1])
            checks.check("read the run record", False, error)
            return checks

    @classmethod
    def main(cls, argv, run_checks):
        """A checker's whole run: `run_checks(checks)` on the record named by argv[1] (unless it
        cannot be read), then the closing line. The exit status: 0, 1 when a check failed, 2
        for a bad command line."""
        checks = cls.from_arguments(argv)
        if checks is None:
            return 2
        if checks.record:
            run_checks(checks)
        return checks.summary()

    def metric(self, label, name):
        return self.cells.get(label, {}).get("metrics", {}).get(name)

    def report_html(self):
        """The report RECORD.html next to the record, or None when there is none."""
        if self._html is False:
            html_path = os.path.splitext(self.path or "")[0] + ".html"
            self._html = None
            if self.path and os.path.exists(html_path):
                with open(html_path, encoding="utf-8") as handle:
                    self._html = handle.read()
        return self._html

    def check(self, description, condition, detail=""):
        self.results.append(bool(condition))
        print(f"{'PASS' if condition else 'FAIL'}  {description}" + (f": {detail}" if detail != "" else ""))

    def in_range(self, label, name, low, high, description=None):
        value = self.metric(label, name)
        ok = isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high
        self.check(description or f"{label}.{name} in [{low}, {high}]", ok,
                   f"{label}.{name} = {value} (expected {low} … {high})" if description else value)
        return value

    def below(self, label, name, limit, description=None):
        value = self.metric(label, name)
        ok = isinstance(value, (int, float)) and math.isfinite(value) and value < limit
        self.check(description or f"{label}.{name} below {limit:g}", ok, f"{label}.{name} = {value} (expected < {limit:g})")
        return value

    def status_ok(self, label):
        """The cell labelled `label` ran and is ok."""
        cell = self.cells.get(label)
        status = None if cell is None else cell.get("status")
        detail = "no cell labelled " + label if cell is None else f"status {status}"
        if cell is not None and cell.get("error"):
            detail += ": " + cell["error"].splitlines()[0]
        self.check(f"cell {label} ran", status == "ok", detail)

    def check_every_cell_ran(self, accepted=("ok",)):
        """The run's status is ok and every cell's status is one of `accepted`."""
        errors = self.record.get("errors", [])
        self.check("run status ok", self.record.get("status") == "ok" and not errors,
                   f"status {self.record.get('status')}" + (f", first error: {errors[0].splitlines()[0]}" if errors else ""))
        failed = [label for label, cell in self.cells.items() if cell.get("status") not in accepted]
        self.check("every cell " + " or ".join(accepted), not failed, ", ".join(map(str, failed)) or "all")

    def summary(self):
        """Prints the closing line; the exit status (1 when a check failed)."""
        passed = sum(self.results)
        print(f"{passed} passed, {len(self.results) - passed} failed")
        return 0 if passed == len(self.results) else 1
