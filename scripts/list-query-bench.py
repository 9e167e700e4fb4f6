#!/usr/bin/env python3
"""The event list's query (StoreSql.ListEvents) on an in-memory SQLite built from the real migrations:
1,000 events, one of them with 100,000 orders of which a third are unpaid. Prints ms per list and the plan.
  scripts/list-query-bench.py             # as the server runs it (it never runs ANALYZE)
  scripts/list-query-bench.py --analyze   # with planner statistics
  scripts/list-query-bench.py --without-index orders_open_by_event   # the plan before migration 0005
"""
import glob, os, sqlite3, sys, time

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
db = sqlite3.connect(":memory:")
for path in sorted(glob.glob(os.path.join(root, "src/BoxOffice.Server/Storage/Migrations/Sqlite/*.sql"))):
    db.executescript(open(path).read())
if "--without-index" in sys.argv:
    db.execute("DROP INDEX " + sys.argv[sys.argv.index("--without-index") + 1])
db.execute("INSERT INTO events VALUES ('big', 'Big', '{}', '{}', 'EUR', 100000, 0, 0, 0, 0)")
db.executemany("INSERT INTO events VALUES (?, 'E', '{}', '{}', 'EUR', 60, 60, 0, ?, 0)", [(f"e{i}", i + 1) for i in range(999)])
db.executemany("INSERT INTO orders VALUES (?, 'big', ?, 'h', 'e', ?, 1, 'EUR', ?, 0, ?, 1, 0, 0, 0)",
               [(f"o{i}", f"k{i}", f"p{i}", "awaiting_payment" if i % 3 == 0 else "ticketed", i) for i in range(100000)])
if "--analyze" in sys.argv:
    db.execute("ANALYZE")
sql = open(os.path.join(root, "src/BoxOffice.Server/Storage/StoreSql.cs")).read().split('ListEvents = """')[1].split('"""')[0]
started = time.perf_counter()
for _ in range(20):
    rows = db.execute(sql, {"now": 50000}).fetchall()
print(f"{(time.perf_counter() - started) / 20 * 1000:.1f} ms per list; held, lapsed of 'big': {[r[10:] for r in rows if r[0] == 'big']}")
for step in db.execute("EXPLAIN QUERY PLAN " + sql, {"now": 50000}):
    print("  ", step[3])
