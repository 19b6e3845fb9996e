"""The 形审 desk's xlsx export of a whole list as the background job runs it: time, rows,
progress steps and peak memory of the process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stplan_bench .venv/bin/python benchmarks/export.py
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

import django

django.setup()

from stplan.accounts.models import User  # noqa: E402
from stplan.applications.jobs import DESK_EXPORT  # noqa: E402
from stplan.jobs import services  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", default="admin")
    parser.add_argument("--status", default="", help="only applications in this status")
    args = parser.parse_args()
    params = {"status": args.status} if args.status else {}
    started = time.perf_counter()
    # No broker in this process's settings unless REDIS_URL is set: unset it to run in-process.
    job = services.start(kind=DESK_EXPORT, owner=User.objects.get(username=args.user), params=params)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{job.get_status_display()}：{job.summary or job.error} 用时 {elapsed:.1f} s，"
        f"文件 {job.result.size / 1e6:.1f} MB，进程峰值内存 {peak:.0f} MB，本机负载 {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
