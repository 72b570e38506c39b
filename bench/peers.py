#!/usr/bin/env python3
"""The Python peers of `make bench`: the tools people script exports with,
writing the same rows Ferry writes, to a file.

The rows come from a JSONL file of the `sample` source's rows (same seed,
same 10 columns, same values) that `ferry-format-bench dataset` wrote with
serde_json. They are loaded and turned
into each tool's natural input before the clock starts: lists of Python
values for csv/json/XlsxWriter/openpyxl, a DataFrame for pandas, an Arrow
table for pyarrow. Dates are handed over in the form that is cheapest for the
tool (pre-rendered ISO text for csv/json/pandas, typed timestamps or text for
pyarrow, whichever measured faster; datetime objects for the XLSX writers,
which need them to write date cells), so the peers do not pay for date
formatting that Ferry's writers do pay for.

Usage: peers.py TOOL --data FILE --rows N --out PATH [--repeat R]
Prints one JSON line like ferry-format-bench: rows, bytes, seconds of each
run, resident memory before writing and at the peak (KiB).
"""
import argparse
import csv
import datetime
import json
import os
import sys
import time

HEADERS = ["key", "summary", "status", "assignee", "priority", "labels", "created", "updated", "timeSpent",
           "description"]
DATE_COLUMNS = (6, 7)
TOOLS = ["python-csv", "pandas", "pyarrow", "json-dump", "json-dumps", "jsonl-dump", "jsonl-dumps", "xlsxwriter",
         "openpyxl"]


def memory_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def load_rows(path, rows):
    """The dataset as lists in column order: text or None, labels as a list,
    dates as ISO-8601 text, time spent as int or None."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if len(out) >= rows:
                break
            obj = json.loads(line)
            out.append([obj[h] for h in HEADERS])
    if len(out) < rows:
        sys.exit(f"{path} holds {len(out)} rows, fewer than {rows}")
    return out


def csv_cells(rows):
    # A list cell is text joined by ", " in CSV, and an empty list is an empty field, as in Ferry.
    out = []
    for r in rows:
        r = list(r)
        r[5] = ", ".join(r[5]) if r[5] else None
        out.append(r)
    return out


def utc(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


# Each peer: prepare(rows) -> state (untimed); write(state, path) (timed).

def prepare_python_csv(rows):
    return csv_cells(rows)


def write_python_csv(state, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(HEADERS)
        w.writerows(state)


def prepare_pandas(rows):
    import pandas as pd
    df = pd.DataFrame(csv_cells(rows), columns=HEADERS)
    df["timeSpent"] = df["timeSpent"].astype("Int64")
    return df


def write_pandas(df, path):
    df.to_csv(path, index=False, lineterminator="\r\n")


def prepare_pyarrow(rows):
    import pyarrow as pa
    pa.set_cpu_count(1)
    pa.set_io_thread_count(1)
    cells = csv_cells(rows)
    columns = {}
    for c, name in enumerate(HEADERS):
        values = [r[c] for r in cells]
        if c in DATE_COLUMNS and os.environ.get("PYARROW_DATES", "timestamp") == "timestamp":
            columns[name] = pa.array([utc(v) for v in values], pa.timestamp("s", tz="UTC"))
        elif name == "timeSpent":
            columns[name] = pa.array(values, pa.int64())
        else:
            columns[name] = pa.array(values, pa.string())
    return pa.table(columns)


def write_pyarrow(table, path):
    import pyarrow.csv as pcsv
    pcsv.write_csv(table, path, pcsv.WriteOptions(eol="\r\n"))


def json_rows(rows):
    return rows


def write_json_dump(rows, path):
    # `json.dump` streams through the pure-Python encoder (json.encoder's
    # _make_iterencode): CPython uses its C encoder only for one-shot encodes.
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"columns": HEADERS, "rows": rows}, f, ensure_ascii=False, separators=(",", ":"))


def write_json_dumps(rows, path):
    # The C encoder: `json.dumps` of the whole document in one call (json.dump streams
    # through the pure-Python encoder instead), then one write.
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"columns": HEADERS, "rows": rows}, ensure_ascii=False, separators=(",", ":")))


def write_jsonl_dump(rows, path):
    # One `json.dump` a row: the pure-Python encoder, as `write_json_dump`.
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            json.dump(dict(zip(HEADERS, r)), f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")


def write_jsonl_dumps(rows, path):
    # `encode` is one-shot: the C encoder, a row at a time.
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(dumps(dict(zip(HEADERS, r))))
            f.write("\n")


def xlsx_rows(rows):
    # Excel has no zones: naive datetimes holding the UTC wall time, as Ferry writes them.
    out = []
    for r in csv_cells(rows):
        r = list(r)
        for c in DATE_COLUMNS:
            r[c] = utc(r[c]).replace(tzinfo=None)
        out.append(r)
    return out


WIDTHS = [14, 40, 14, 17, 11, 30, 22, 22, 12, 40]


def write_xlsxwriter(rows, path):
    import xlsxwriter
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet()
    bold = wb.add_format({"bold": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, HEADERS, bold)
    ws.freeze_panes(1, 0)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.autofilter(0, 0, len(rows), len(HEADERS) - 1)
    write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
    for i, r in enumerate(rows, start=1):
        for c, v in enumerate(r):
            if v is None:
                continue
            if c in DATE_COLUMNS:
                write_datetime(i, c, v, date)
            elif c == 8:
                write_number(i, c, v)
            else:
                write_string(i, c, v)
    wb.close()


def write_openpyxl(rows, path):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(rows) + 1}"
    for c, w in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    bold = Font(bold=True)
    header = []
    for h in HEADERS:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in rows:
        ws.append(r)
    wb.save(path)


PEERS = {
    "python-csv": (prepare_python_csv, write_python_csv),
    "pandas": (prepare_pandas, write_pandas),
    "pyarrow": (prepare_pyarrow, write_pyarrow),
    "json-dump": (json_rows, write_json_dump),
    "json-dumps": (json_rows, write_json_dumps),
    "jsonl-dump": (json_rows, write_jsonl_dump),
    "jsonl-dumps": (json_rows, write_jsonl_dumps),
    "xlsxwriter": (xlsx_rows, write_xlsxwriter),
    "openpyxl": (xlsx_rows, write_openpyxl),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool", choices=TOOLS)
    ap.add_argument("--data", required=True)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    prepare, write = PEERS[args.tool]
    state = prepare(load_rows(args.data, args.rows))
    rss_before = memory_kib("VmRSS")
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        write(state, args.out)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"mode": args.tool, "rows": args.rows, "bytes": os.path.getsize(args.out), "seconds": seconds,
                      "rss_before_kib": rss_before, "peak_rss_kib": memory_kib("VmHWM")}))


if __name__ == "__main__":
    main()
