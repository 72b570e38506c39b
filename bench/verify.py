"""Reads back what the writers of `bench/run.py` wrote and checks it holds the
dataset's rows: every CSV cell by cell (with each tool's known differences:
Ferry's formula guard, pyarrow's date text), Ferry's JSON and XLSX values,
the others by row count. So the table compares tools that wrote the same
thing."""
import csv
import datetime
import hashlib
import json
import os
import re
import zipfile

HEADERS = ["key", "summary", "status", "assignee", "priority", "labels", "created", "updated", "timeSpent",
           "description"]
TEXT = {0, 1, 2, 3, 4, 9}


NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def reads_as_number(s):
    return NUMBER.fullmatch(s) is not None


def guarded(s):
    """Ferry's `sanitizeFormulas` (on by default): a formula-like start gets `'`."""
    if s[:1] in ("=", "@", "\t", "\r") or (s[:1] in ("+", "-") and not reads_as_number(s)):
        return "'" + s
    return s


def dataset_rows(path, n):
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                return
            obj = json.loads(line)
            yield [obj[h] for h in HEADERS]


def csv_cells(row, tool):
    cells = []
    for c, v in enumerate(row):
        if v is None:
            text = ""
        elif c == 5:
            text = ", ".join(v)
        elif c == 8:
            text = str(v)
        else:
            text = v
        if tool == "ferry" and c in TEXT and text:
            text = guarded(text)
        cells.append(text)
    return cells


def check_csv(path, data, n, tool):
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        if next(reader) != HEADERS:
            raise AssertionError(f"{path}: unexpected header")
        count = 0
        for got, row in zip(reader, dataset_rows(data, n)):
            if tool == "pyarrow":
                # pyarrow writes typed timestamps as `2024-01-01 00:00:29Z`.
                got[6], got[7] = got[6].replace(" ", "T"), got[7].replace(" ", "T")
            if got != csv_cells(row, tool):
                raise AssertionError(f"{path} row {count + 1}: {got!r} != {csv_cells(row, tool)!r}")
            count += 1
        if count != n or next(reader, None) is not None:
            raise AssertionError(f"{path}: {count} rows, expected {n}")
    return f"{tool} CSV = dataset, {n:,} rows cell by cell"


def check_ferry_json(path, data, n):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc["columns"] != HEADERS or doc["rows"] != list(dataset_rows(data, n)):
        raise AssertionError(f"{path}: rows differ from the dataset")
    return f"Ferry JSON = dataset, {n:,} rows"


def check_ferry_jsonl(path, data, n):
    with open(path, "rb") as f:
        mine = hashlib.sha256(f.read()).hexdigest()
    with open(data, "rb") as f:
        lines = b"".join(line for _, line in zip(range(n), f))
    if hashlib.sha256(lines).hexdigest() != mine:
        raise AssertionError(f"{path}: differs from the dataset")
    return "Ferry JSONL byte-identical to the dataset"


ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(v):
    # Excel's `_xHHHH_` escapes (how XLSX keeps a CR); openpyxl leaves them as they are.
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), v) if isinstance(v, str) else v


def check_ferry_xlsx(path, data, n, sample=5_000):
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    if list(next(rows)) != HEADERS:
        raise AssertionError(f"{path}: unexpected header")
    count = 0
    for got, row in zip(rows, dataset_rows(data, n)):
        if count < sample:
            want = []
            for c, v in enumerate(row):
                if c in (6, 7):
                    v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None)
                elif c == 5:
                    v = ", ".join(v) or None
                want.append(None if v == "" else v)
            have = [None if v == "" else unescape(v) for v in got] + [None] * (len(HEADERS) - len(got))
            if have != want:
                raise AssertionError(f"{path} row {count + 1}: {have!r} != {want!r}")
        count += 1
    count += sum(1 for _ in rows)
    if count != n:
        raise AssertionError(f"{path}: {count} rows, expected {n}")
    return f"Ferry XLSX opens in openpyxl, {n:,} rows (first {min(n, sample):,} value by value)"


def count_rows(path, mode):
    if path.endswith(".xlsx"):
        from openpyxl import load_workbook
        return sum(1 for _ in load_workbook(path, read_only=True).worksheets[0].iter_rows()) - 1
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return len(json.load(f)["rows"])
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z, z.open(z.namelist()[0]) as inner:
            return sum(1 for _ in csv.reader(line.decode("utf-8") for line in inner)) - 1
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in (csv.reader(f) if path.endswith(".csv") else f)) - (1 if path.endswith(".csv") else 0)


def check_outputs(data, outputs, rows, xlsx_rows):
    notes = []
    for mode, path in outputs.items():
        if not os.path.exists(path):
            continue
        n = xlsx_rows if path.endswith(".xlsx") else rows
        if mode == "csv":
            notes.append(check_csv(path, data, n, "ferry"))
        elif mode in ("pyarrow", "python-csv", "pandas"):
            notes.append(check_csv(path, data, n, mode))
        elif mode == "json":
            notes.append(check_ferry_json(path, data, n))
        elif mode == "jsonl":
            notes.append(check_ferry_jsonl(path, data, n))
        elif mode == "xlsx":
            notes.append(check_ferry_xlsx(path, data, n))
        else:
            got = count_rows(path, mode)
            if got != n:
                raise AssertionError(f"{path}: {got} rows, expected {n}")
            notes.append(f"{mode} {got:,} rows")
    return notes
