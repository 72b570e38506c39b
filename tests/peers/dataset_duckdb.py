"""Loads a dataset export's CSV files into DuckDB with the documented column
types (docs/dataset-schema.md) and prints, per file, the row count, the
types DuckDB gave the columns and the number of nulls in each, as JSON.

Reads {"files": [{"entity", "path", "columns": [[name, sql_type], ...]}]} on stdin.
A value that does not parse as its type fails the load (and this script).
"""

import json
import sys

import duckdb

spec = json.load(sys.stdin)
con = duckdb.connect()
out = {}
for f in spec["files"]:
    columns = ", ".join(f"'{name}': '{sql_type}'" for name, sql_type in f["columns"])
    table = "t_" + f["entity"]
    con.execute(
        f"CREATE TABLE {table} AS SELECT * FROM read_csv(?, header = true, columns = {{{columns}}}, "
        "delim = ',', quote = '\"', escape = '\"', timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')",
        [f["path"]],
    )
    count = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    described = con.execute(f"DESCRIBE {table}").fetchall()
    nulls = {
        name: con.execute(f'SELECT count(*) FROM {table} WHERE "{name}" IS NULL').fetchone()[0]
        for name, _ in f["columns"]
    }
    out[f["entity"]] = {"rows": count, "types": [[d[0], d[1]] for d in described], "nulls": nulls}
print(json.dumps(out))
