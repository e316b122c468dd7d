#!/usr/bin/env python3
"""The ceiling for the import benchmark: the same CSV rows inserted into a plain SQLite table (the
message's columns and the (source, external id) key), as `minsheng import` commits them — WAL,
synchronous=FULL, 1,000 rows to a transaction — with nothing else: no checks, no routing, no audit
chain, no search index, no fingerprint.

    python3 Benchmarks/import-ceiling.py hotline.csv raw.sqlite   # prints rows per second
"""
import csv
import sqlite3
import sys
import time
import uuid

path, database = sys.argv[1], sys.argv[2]
db = sqlite3.connect(database, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute(
    "CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, external_id TEXT NOT NULL UNIQUE, received_at TEXT,"
    " contact_name TEXT, contact_phone TEXT, title TEXT, body TEXT, category TEXT, address TEXT)")
started = time.perf_counter()
rows = 0
batch = []


def commit():
    db.execute("BEGIN")
    db.executemany("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    db.execute("COMMIT")
    batch.clear()


with open(path, newline="", encoding="utf-8") as handle:
    for record in csv.DictReader(handle):
        batch.append((str(uuid.uuid4()), record["external_id"], record["received_at"], record["caller_name"],
                      record["caller_phone"], record["title"], record["body"], record["category"], record["address"]))
        rows += 1
        if len(batch) == 1000:
            commit()
if batch:
    commit()
elapsed = time.perf_counter() - started
print(f"{rows} {elapsed:.2f} {rows / elapsed:.0f}")
