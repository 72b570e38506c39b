"""Reads back every file the writers of `bench/run.py` wrote and checks it
holds the dataset's rows, every row value by value, for Ferry and for every
peer alike, so the table compares tools that wrote the same thing.

The dataset (bench/.data) is the sample rows as JSONL written by serde_json
(`ferry-format-bench dataset`), not by any of Ferry's writers, so Ferry's
JSON and JSONL are compared with values another encoder wrote.

Each format is read by a reader Ferry did not write: CSV with Python's csv
module (zip: the member CSV through zipfile), JSON and JSONL with Python's
json, XLSX with openpyxl. What a tool writes differently on purpose is
named where it is allowed: Ferry's formula guard in CSV (`sanitizeFormulas`,
on by default), pyarrow's typed timestamps with a space, Excel's `_xHHHH_`
escapes, and XLSX's typed dates and empty cells."""
import csv
import datetime
import io
import json
import re
import zipfile

HEADERS = ["key", "summary", "status", "assignee", "priority", "labels", "created", "updated", "timeSpent",
           "description"]
TEXT = {0, 1, 2, 3, 4, 9}
DATES = (6, 7)
LABELS = 5
TIME_SPENT = 8

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def reads_as_number(s):
    return NUMBER.fullmatch(s) is not None


def guarded(s):
    """Ferry's `sanitizeFormulas` (on by default): a formula-like start gets `'`."""
    if s[:1] in ("=", "@", "\t", "\r") or (s[:1] in ("+", "-") and not reads_as_number(s)):
        return "'" + s
    return s


def dataset_objects(path, n):
    """The first n rows of the dataset as dicts, keyed by column id."""
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= n:
                return
            yield json.loads(line)


def dataset_rows(path, n):
    for obj in dataset_objects(path, n):
        yield [obj[h] for h in HEADERS]


def exactly(path, count, n, rest):
    """Every dataset row was compared and the file holds no more."""
    if count != n:
        raise AssertionError(f"{path}: {count} rows, expected {n}")
    if next(rest, None) is not None:
        raise AssertionError(f"{path}: more rows than the {n} of the dataset")


def csv_cells(row, tool):
    cells = []
    for c, v in enumerate(row):
        if v is None:
            text = ""
        elif c == LABELS:
            text = ", ".join(v)
        elif c == TIME_SPENT:
            text = str(v)
        else:
            text = v
        if tool == "ferry" and c in TEXT and text:
            text = guarded(text)
        cells.append(text)
    return cells


def check_csv_stream(f, path, data, n, tool):
    reader = csv.reader(f)
    if next(reader) != HEADERS:
        raise AssertionError(f"{path}: unexpected header")
    count = 0
    for got, row in zip(reader, dataset_rows(data, n)):
        if tool == "pyarrow":
            # pyarrow writes typed timestamps as `2024-01-01 00:00:29Z`.
            for c in DATES:
                got[c] = got[c].replace(" ", "T")
        want = csv_cells(row, tool)
        if got != want:
            raise AssertionError(f"{path} row {count + 1}: {got!r} != {want!r}")
        count += 1
    exactly(path, count, n, reader)


def check_csv(path, data, n, tool):
    with open(path, newline="", encoding="utf-8-sig") as f:
        check_csv_stream(f, path, data, n, tool)
    return f"{tool} CSV: {n:,} rows, value by value"


def check_zip(path, data, n):
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        if len(names) != 1:
            raise AssertionError(f"{path}: {names}, expected one member")
        with z.open(names[0]) as raw:
            check_csv_stream(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), path, data, n, "ferry")
    return f"Ferry zip (its CSV member): {n:,} rows, value by value"


def check_json(path, data, n, label):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if list(doc) != ["columns", "rows"] or doc["columns"] != HEADERS:
        raise AssertionError(f"{path}: not {{columns, rows}} with the dataset's columns: {list(doc)}")
    rows = doc["rows"]
    count = 0
    for got, want in zip(rows, dataset_rows(data, n)):
        if got != want:
            raise AssertionError(f"{path} row {count + 1}: {got!r} != {want!r}")
        count += 1
    exactly(path, count, n, iter(rows[count:]))
    return f"{label} JSON: {n:,} rows, value by value"


def check_jsonl(path, data, n, label):
    with open(path, encoding="utf-8") as f:
        lines = iter(f)
        count = 0
        for line, want in zip(lines, dataset_objects(data, n)):
            got = json.loads(line)
            if got != want or list(got) != HEADERS:
                raise AssertionError(f"{path} line {count + 1}: {got!r} != {want!r}")
            count += 1
        exactly(path, count, n, lines)
    return f"{label} JSONL: {n:,} rows, value by value"


ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(v):
    # Excel's `_xHHHH_` escapes (how XLSX keeps a CR); openpyxl leaves them as they are.
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), v) if isinstance(v, str) else v


def xlsx_cells(row):
    want = []
    for c, v in enumerate(row):
        if c in DATES:
            # Excel has no zones: the UTC wall time, as every writer here writes it.
            v = datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None)
        elif c == LABELS:
            v = ", ".join(v) or None
        want.append(None if v == "" else v)
    return want


def without_cr(v):
    return v.replace("\r\n", "\n").replace("\r", "\n") if isinstance(v, str) else v


def check_xlsx(path, data, n, label):
    from openpyxl import load_workbook
    wb = load_workbook(path, read_only=True)
    if len(wb.worksheets) != 1:
        raise AssertionError(f"{path}: {len(wb.worksheets)} sheets, expected 1")
    rows = wb.worksheets[0].iter_rows(values_only=True)
    if list(next(rows)) != HEADERS:
        raise AssertionError(f"{path}: unexpected header")
    count = lost_cr = 0
    for got, row in zip(rows, dataset_rows(data, n)):
        have = [None if v == "" else unescape(v) for v in got] + [None] * (len(HEADERS) - len(got))
        want = xlsx_cells(row)
        if have != want and label == "openpyxl":
            # openpyxl writes a CR raw into the XML, where every reader's line-end
            # normalisation turns it into LF (the others write `_x000D_`): counted, not hidden.
            bare = [without_cr(v) for v in want]
            if have == bare:
                lost_cr += sum(1 for a, b in zip(want, bare) if a != b)
                want = bare
        if have != want:
            raise AssertionError(f"{path} row {count + 1}: {have!r} != {want!r}")
        count += 1
    exactly(path, count, n, rows)
    wb.close()
    lost = f" except {lost_cr:,} cells whose CR the file lost" if lost_cr else ""
    return f"{label} XLSX (openpyxl): {n:,} rows, value by value{lost}"


# mode -> (kind, label): how each output of bench/run.py is read back.
CHECKS = {
    "csv": ("csv", "ferry"), "pyarrow": ("csv", "pyarrow"), "pandas": ("csv", "pandas"),
    "python-csv": ("csv", "python-csv"), "zip": ("zip", "Ferry"),
    "json": ("json", "Ferry"), "json-dump": ("json", "json.dump"), "json-dumps": ("json", "json.dumps"),
    "jsonl": ("jsonl", "Ferry"), "jsonl-dump": ("jsonl", "json.dump per row"),
    "jsonl-dumps": ("jsonl", "json.dumps per row"),
    "xlsx": ("xlsx", "Ferry"), "xlsxwriter": ("xlsx", "XlsxWriter"), "openpyxl": ("xlsx", "openpyxl"),
}


def check_outputs(data, outputs, rows, xlsx_rows):
    """`outputs`: mode -> path. Every output is checked; an unknown mode is an error."""
    notes = []
    for mode, path in outputs.items():
        if mode not in CHECKS:
            raise AssertionError(f"no read-back check for {mode}")
        kind, label = CHECKS[mode]
        n = xlsx_rows if kind == "xlsx" else rows
        if kind == "csv":
            notes.append(check_csv(path, data, n, label))
        elif kind == "zip":
            notes.append(check_zip(path, data, n))
        elif kind == "json":
            notes.append(check_json(path, data, n, label))
        elif kind == "jsonl":
            notes.append(check_jsonl(path, data, n, label))
        else:
            notes.append(check_xlsx(path, data, n, label))
    return notes
