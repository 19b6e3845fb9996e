"""统计分析 page time at N submitted applications, on the database DATABASE_URL names.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stplan_bench .venv/bin/python benchmarks/statistics_page.py [--n 50000]

The database is emptied and migrated first (use a throwaway one). Inserts N applications
(bulk, spread over the guide's 方向, 县 and unit kinds, in every status, each asking for an
amount), a funded project with two tranches (one paid) for every funded one, in every project
state, a first-year report for half of those in progress, a 验收 for those that reached one,
and three review tasks (most submitted, some late) from a pool of 300 experts for every
application that passed 形审; then requests /statistics/ as the 局管理员 for each dimension
through Django's test client (view, queries and template) and prints the median (p50), p95 and
slowest of R requests per dimension:
- cold: the shared cache emptied before each request, so the figures are computed in the
  request (the first request ever, or one after the figures aged past STALE_SECONDS);
- stale: the figures older than CACHE_SECONDS, so the page shows them and puts their refresh
  on the queue (`--broker`, a Redis database emptied after; no worker takes it) — every request
  between CACHE_SECONDS and STALE_SECONDS with a worker configured;
- warm: the figures younger than CACHE_SECONDS, shown as they are;
and the time the worker's refresh takes (the figures of every dimension computed and stored).
`--reuse` keeps the data of an earlier run of the same N and only measures.
"""

import argparse
import os
import platform
import random
import statistics as stats
import sys
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from stplan.accounts.models import Role, Unit, User  # noqa: E402
from stplan.applications.models import Application, Status  # noqa: E402
from stplan.celery import app  # noqa: E402
from stplan.funding.models import FundingPlan, PlanItem  # noqa: E402
from stplan.guides.services import load_guide  # noqa: E402
from stplan.projects.models import (  # noqa: E402
    Acceptance,
    AcceptanceStatus,
    ProgressReport,
    Project,
    ProjectStatus,
    Tranche,
    TrancheStatus,
)
from stplan.review.models import (  # noqa: E402
    Assignment,
    AssignmentStatus,
    Expert,
    Review,
    ReviewRound,
    ReviewStatus,
    ScoreSheet,
)
from stplan.statistics import tables  # noqa: E402

COUNTIES = [
    "秀峰区",
    "叠彩区",
    "象山区",
    "七星区",
    "雁山区",
    "临桂区",
    "阳朔县",
    "灵川县",
    "全州县",
    "兴安县",
]
KINDS = ["enterprise", "university", "institute", "hospital", "social_org", "other"]
STATUSES = [
    Status.SUBMITTED,
    Status.UNIT_APPROVED,
    Status.RECOMMENDED,
    Status.PASSED,
    Status.REJECTED,
    Status.FUNDED,
]


def build(n: int, seed: int) -> User:
    rng = random.Random(seed)
    call_command("flush", interactive=False, verbosity=0)
    guide = load_guide(slug="guilin-2022")
    directions = list(guide.directions.all())
    units = Unit.objects.bulk_create(
        Unit(
            name=f"基准单位{i}",
            credit_code=f"B{i:017d}",
            kind=KINDS[i % len(KINDS)],
            county=COUNTIES[i % len(COUNTIES)],
            address="地址",
            contact_name="联系人",
            contact_phone="0773",
            contact_email=f"u{i}@bench.local",
            status="approved",
        )
        for i in range(500)
    )
    leaders = User.objects.bulk_create(
        User(username=f"bench{i}", role=Role.LEADER, unit=units[i]) for i in range(len(units))
    )
    admin = User.objects.create(username="bench-admin", role=Role.BUREAU_ADMIN)
    applications = []
    for i in range(n):
        leader = leaders[rng.randrange(len(leaders))]
        applications.append(
            Application(
                guide=guide,
                direction=directions[rng.randrange(len(directions))],
                number=f"GL2022-B-{i:06d}",
                lead_unit_id=leader.unit_id,
                leader=leader,
                title=f"基准项目{i}",
                status=rng.choice(STATUSES),
                version=1,
                requested_amount=rng.randrange(10, 51) * 10_000,
            )
        )
    Application.objects.bulk_create(applications, batch_size=5000)
    funded = list(Application.objects.filter(status=Status.FUNDED))
    review_round = ReviewRound.objects.create(
        guide=guide, name="基准评审", due_at=datetime(2022, 9, 1, tzinfo=UTC)
    )
    plan = FundingPlan.objects.create(
        guide=guide, review_round=review_round, name="基准方案", total_budget=10**12, created_by=admin
    )
    items = PlanItem.objects.bulk_create(
        PlanItem(plan=plan, application=a, score=80, fundable_max=100_000, amount=100_000, selected=True)
        for a in funded
    )
    projects = Project.objects.bulk_create(
        Project(
            application=item.application,
            plan_item=item,
            number=f"GLXM-B-{k:06d}",
            amount=item.amount,
            funding_mode="pre_funding",
            status=rng.choice(list(ProjectStatus.values)),
            starts_on=date(2022 + k % 3, 1, 1),
            ends_on=date(2022 + k % 3 + 2 + k % 2, 12, 31),
        )
        for k, item in enumerate(items)
    )
    Tranche.objects.bulk_create(
        [
            Tranche(
                project=p,
                sequence=1,
                condition="on_signing",
                planned_amount=60_000,
                status=TrancheStatus.PAID,
                paid_amount=60_000,
                paid_on=date(2023, 3, 1),
            )
            for p in projects
        ]
        + [
            Tranche(
                project=p, sequence=2, condition="report", planned_amount=40_000, status=TrancheStatus.PLANNED
            )
            for p in projects
        ],
        batch_size=5000,
    )
    _projects_follow_up(projects, rng)
    _review_tasks(guide, review_round, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return admin


def _projects_follow_up(projects, rng) -> None:
    in_progress = [p for p in projects if p.status == ProjectStatus.IN_PROGRESS.value]
    ProgressReport.objects.bulk_create(
        (ProgressReport(project=p, year=1, narrative="进展", spent=30_000) for p in in_progress[::2]),
        batch_size=5000,
    )
    outcome = {
        ProjectStatus.ACCEPTED.value: AcceptanceStatus.PASSED,
        ProjectStatus.CLOSED.value: AcceptanceStatus.CLOSED,
        ProjectStatus.FAILED.value: AcceptanceStatus.FAILED,
    }
    Acceptance.objects.bulk_create(
        (
            Acceptance(
                project=p,
                summary="验收",
                status=outcome[p.status],
                total_investment=rng.randrange(100_000, 1_000_000),
                new_output=rng.randrange(0, 5_000_000),
            )
            for p in projects
            if p.status in outcome
        ),
        batch_size=5000,
    )


def _review_tasks(guide, review_round, rng) -> None:
    people = User.objects.bulk_create(User(username=f"bench-expert{i}", role=Role.EXPERT) for i in range(300))
    experts = Expert.objects.bulk_create(Expert(user=u, unit_name="基准专家单位") for u in people)
    sheet = ScoreSheet.objects.create(
        guide=guide, name="基准评分表", criteria=[{"code": "all", "label": "总体", "max": 100}]
    )
    reviewed = Application.objects.filter(status__in=[Status.PASSED, Status.FUNDED]).values_list(
        "pk", flat=True
    )
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(
                round=review_round,
                application_id=pk,
                expert=expert,
                affinity=0.5,
                status=AssignmentStatus.SUBMITTED if rng.random() < 0.9 else AssignmentStatus.CONFIRMED,
            )
            for pk in reviewed
            for expert in rng.sample(experts, 3)
        ),
        batch_size=5000,
    )
    Review.objects.bulk_create(
        (
            Review(
                assignment=a,
                sheet=sheet,
                total=80,
                status=ReviewStatus.SUBMITTED,
                submitted_at=review_round.due_at + timedelta(days=rng.choice([-3, -1, 2])),
            )
            for a in assignments
            if a.status == AssignmentStatus.SUBMITTED
        ),
        batch_size=5000,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/13",
        help="Redis database the stale case queues its refresh on (emptied after)",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data an earlier run of this N built"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse and Application.objects.count() == args.n:
        admin = User.objects.get(username="bench-admin")
    else:
        admin = build(args.n, args.seed)
    print(f"{connection.vendor}, {platform.python_version()}, {os.cpu_count()} cores")
    print(
        f"built {Application.objects.count()} applications, {Project.objects.count()} projects "
        f"in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    client.force_login(admin)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # A queue for the "stale" case: the request only puts the refresh on it (nobody takes it).
    app.conf.broker_url = settings.CELERY_BROKER_URL = args.broker
    key = tables._key(admin)
    for mode in ("cold", "stale", "warm"):
        for by in ("year", "programme", "direction", "section", "county", "unit_kind"):
            times = []
            if mode == "warm":
                tables.store(admin)
            client.get("/statistics/", {"by": by})
            for _ in range(args.repeat):
                if mode == "cold":
                    cache.clear()
                elif mode == "stale":
                    found = tables.store(admin)
                    cache.set(key, replace(found, computed_at=found.computed_at - timedelta(seconds=120)))
                t0 = time.perf_counter()
                response = client.get("/statistics/", {"by": by})
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, response.status_code
                assert (mode == "stale") == response.context["refreshing"]
            _report(f"{mode:<5} /statistics/?by={by}", times)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        tables.store(admin)
        times.append((time.perf_counter() - t0) * 1000)
    _report("the worker's refresh of the figures (every dimension)", times)
    with app.connection_for_write() as broker:
        broker.default_channel.client.flushdb()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def _report(what: str, times: list[float]) -> None:
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{what:<36} p50 {stats.median(times):6.1f} ms   p95 {p95:6.1f} ms   slowest {times[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
