"""What the tutorial checkers share: the run record read from the command line, one printed
line per check, the record's metrics by cell label, and the closing "N passed, M failed" line."""
import json
import os
import sys


class RecordChecks:
    def __init__(self, record):
        self.record = record
        self.cells = {cell.get("label"): cell for cell in record.get("cells", [])}
        self.results = []

    @classmethod
    def from_arguments(cls, argv):
        """The checks of the record named by argv[1]; None (after the usage line) otherwise."""
        if len(argv) != 2:
            print(f"usage: {os.path.basename(argv[0])} RECORD.json", file=sys.stderr)
            return None
        with open(argv[1], encoding="utf-8") as handle:
            return cls(json.load(handle))

    def metric(self, label, name):
        return self.cells.get(label, {}).get("metrics", {}).get(name)

    def check(self, description, condition, detail=""):
        self.results.append(bool(condition))
        print(f"{'PASS' if condition else 'FAIL'}  {description}: {detail}")

    def in_range(self, label, name, low, high):
        value = self.metric(label, name)
        self.check(f"{label}.{name} in [{low}, {high}]", value is not None and low <= value <= high, value)
        return value

    def check_every_cell_ran(self):
        """The run's status and every cell's are ok."""
        self.check("run status ok", self.record.get("status") == "ok", self.record.get("status"))
        failed = [label for label, cell in self.cells.items() if cell.get("status") != "ok"]
        self.check("every cell ok", not failed, failed or "all ok")

    def summary(self):
        """Prints the closing line; the exit status (1 when a check failed)."""
        passed = sum(self.results)
        print(f"{passed} passed, {len(self.results) - passed} failed")
        return 0 if passed == len(self.results) else 1
