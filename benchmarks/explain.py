"""EXPLAIN ANALYZE of the list queries the pages run, on the benchmark database: which index
each filter uses, and how long the database takes for the page and its count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stplan_bench .venv/bin/python benchmarks/explain.py
"""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from stplan.accounts.models import User  # noqa: E402
from stplan.applications import selectors  # noqa: E402

CASES = [
    ("desk, no filter", "admin", {}),
    ("desk, 方向 + 状态", "admin", {"direction": "25", "status": "recommended"}),
    ("desk, 状态", "admin", {"status": "recommended"}),
    ("desk, 县", "admin", {"county": "七星区"}),
    ("desk, ?q=", "admin", {"q": "智能"}),
    ("desk, 科室", "keshi-rencai", {}),
    ("desk, latest first", "admin", {"sort": "latest"}),
]


def plan(sql: str, params) -> tuple[str, str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
    indexes = sorted(set(re.findall(r"using (\w+)", " ".join(lines))))
    total = next((line.split(":")[1].strip() for line in lines if line.startswith("Execution Time")), "?")
    return total, ", ".join(indexes) or "(no index)", lines


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("EXPLAIN 只在 PostgreSQL 上有意义：请设置 DATABASE_URL")
    verbose = "--verbose" in sys.argv
    print("| 查询 | 第1页用时 | 计数用时 | 使用的索引 |")
    print("|---|---|---|---|")
    for name, username, params in CASES:
        qs = selectors.desk_applications(User.objects.get(username=username), params)
        page_sql, page_params = qs[:50].query.sql_with_params()
        count_sql, count_params = qs.order_by().values("pk").query.sql_with_params()
        page_time, page_indexes, lines = plan(page_sql, page_params)
        count_time, _count_indexes, _ = plan(f"SELECT COUNT(*) FROM ({count_sql}) AS counted", count_params)
        print(f"| {name} | {page_time} | {count_time} | {page_indexes} |")
        if verbose:
            print("\n".join(lines))


if __name__ == "__main__":
    main()
