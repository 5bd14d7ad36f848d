#!/usr/bin/python3
# trim-ovsschema.py: writes a copy of an OVSDB schema that keeps only the
# tables and columns listed in a columns file (see host-idl.columns).
#
# weft builds its host IDL from OVS's own vswitch.ovsschema through this, so
# every column keeps exactly OVS's type, and a column OVS drops or renames
# fails the build here instead of at run time.  The copy keeps the schema's
# name, version and each table's isRoot (the IDL needs isRoot to know which
# deletions ovsdb-server garbage-collects), and the indexes whose columns are
# all kept.  ovsdb-server never sees it: the IDL monitors and writes only the
# columns its class has, and the server fills in the rest with defaults.
#
# usage: trim-ovsschema.py SCHEMA COLUMNS > TRIMMED
import json
import sys


def read_columns(path):
    """Returns {table: [column, ...]} from the columns file at 'path'."""
    wanted = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            words = line.split('#', 1)[0].split()
            if not words:
                continue
            table, columns = words[0], words[1:]
            if table in wanted or not columns:
                sys.exit("%s:%d: table %s listed twice or without columns"
                         % (path, lineno, table))
            wanted[table] = columns
    return wanted


def trim(schema, wanted):
    """Returns 'schema' with only the tables and columns in 'wanted'."""
    tables = {}
    for name, columns in wanted.items():
        table = schema["tables"].get(name)
        if table is None:
            sys.exit("%s: no table %s" % (schema["name"], name))
        kept = {}
        for column in columns:
            if column not in table["columns"]:
                sys.exit("%s: table %s has no column %s"
                         % (schema["name"], name, column))
            kept[column] = table["columns"][column]
        out = {"columns": kept}
        for key in ("isRoot", "maxRows"):
            if key in table:
                out[key] = table[key]
        indexes = [i for i in table.get("indexes", [])
                   if all(c in kept for c in i)]
        if indexes:
            out["indexes"] = indexes
        tables[name] = out

    # Every table a kept column refers to must be kept too, or ovsdb-idlc
    # would generate a dangling reference.
    for name, table in tables.items():
        for column, spec in table["columns"].items():
            for part in ("key", "value"):
                base = spec["type"].get(part) if isinstance(
                    spec["type"], dict) else None
                ref = base.get("refTable") if isinstance(base, dict) else None
                if ref and ref not in tables:
                    sys.exit("%s.%s refers to table %s, which is not kept"
                             % (name, column, ref))

    out = {"name": schema["name"], "version": schema["version"],
           "tables": tables}
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: %s SCHEMA COLUMNS > TRIMMED" % sys.argv[0])
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    json.dump(trim(schema, read_columns(sys.argv[2])), sys.stdout, indent=2,
              sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
