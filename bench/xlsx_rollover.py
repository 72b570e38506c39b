#!/usr/bin/env python3
"""One release-mode run of the real XLSX sheet limit end to end: 1,048,580
sample rows exported with `ferry export` must land on two sheets, 1,048,575
data rows plus a header on the first and 5 on the second. Reads the sheet XML
with zipfile (standard library), so nothing needs installing. (`make test`
checks the same roll-over through the writer itself, read back by calamine:
shared/formats/tests/formats/xlsx_sheet_limit.rs.)

Usage: python3 bench/xlsx_rollover.py
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import provenance  # noqa: E402
from export_memory import binary  # noqa: E402

ROWS = 1_048_580


def main():
    ferry = binary()
    print(provenance.line())
    with tempfile.TemporaryDirectory() as work:
        report = {"name": "rollover", "reportType": "issues", "format": "xlsx",
                  "columns": [{"field": "key"}, {"field": "created"}],
                  "connection": {"kind": "sample", "settings": {"rows": ROWS, "seed": 3}}}
        path = os.path.join(work, "report.json")
        with open(path, "w") as f:
            json.dump(report, f)
        out = os.path.join(work, "out.xlsx")
        start = time.perf_counter()
        subprocess.run([ferry, "export", "--report", path, "--out", out, "--quiet"], check=True,
                       env={**os.environ, "FERRY_LOG": "warn"})
        elapsed = time.perf_counter() - start
        with zipfile.ZipFile(out) as z:
            sheets = sorted(n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
            counts = []
            for name in sheets:
                counts.append(z.read(name).count(b"<row "))
    print(f"xlsx {ROWS:,} rows in {elapsed:.1f}s: sheets {sheets}, rows per sheet incl. header {counts}")
    expected = [1_048_576, ROWS - 1_048_575 + 1]
    if counts != expected:
        sys.exit(f"FAIL: expected {expected}")
    print("OK: rolled over to a second sheet at 1,048,575 data rows")


if __name__ == "__main__":
    main()
