"""Expert assignment through the service: `propose_assignment` for N applications × M experts
on a database, with the wall time of each phase and the process's peak memory.

    createdb -h 127.0.0.1 -U postgres stplan_assign_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stplan_assign_bench \\
        nice .venv/bin/python benchmarks/assignment_service.py [--applications 5000] [--experts 2000]

The database is emptied and built first unless it already holds this size (use a throwaway
one; `--rebuild` builds again). The build runs in a child process, so the peak memory printed
is the service's alone. It loads the demo (`load_demo`, through the services), then clones the
applications that passed 形审 or were funded, with their submitted versions, events and limit
places, onto new units and 负责人 as `build_data.py` does (each clone with three keywords of
the demo experts' as its own in its keywords and summary), until the round's 方向 hold N
applications that passed 形审; then experts as `save_expert` writes them (account, record,
学科领域, history) until the pool holds M, a tenth of them working at an applicant unit, the
rest at 300 other units in ten counties, with keywords and fields from the demo's pool. Before
the measurement one application in `--pin-every` (100) gets an expert pinned to it. The round
has the defaults: 5 experts per application, at least one from outside the applicant's county,
at most 2 of one unit. The phases are timed by wrapping the functions the service calls.
"""

import argparse
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402

from stplan.accounts.models import Role, User  # noqa: E402
from stplan.applications.models import (  # noqa: E402
    Application,
    ApplicationEvent,
    ApplicationVersion,
    LimitSlot,
    Status,
)
from stplan.demo.review import EXPERTS  # noqa: E402
from stplan.guides.models import Direction  # noqa: E402
from stplan.review import affinity, services, solver  # noqa: E402
from stplan.review.models import Assignment, Expert, ExpertEvent, PairRule, ReviewRound  # noqa: E402
from stplan.taxonomy.models import FieldOfStudy  # noqa: E402

ROUND = "基准分配"
COUNTIES = [
    "七星区",
    "临桂区",
    "雁山区",
    "秀峰区",
    "叠彩区",
    "象山区",
    "灵川县",
    "阳朔县",
    "西乡塘区",
    "青秀区",
]
OTHER_UNITS = 300
BATCH = 1000
VOCABULARY = sorted({word for row in EXPERTS for word in row[6].split()})


def built(applications: int, experts: int) -> bool:
    review_round = ReviewRound.objects.filter(name=ROUND).first()
    return (
        review_round is not None
        and services.selectors.round_applications(review_round).count() == applications
        and Expert.objects.count() == experts
    )


def build(applications: int, experts: int, seed: int) -> None:
    import build_data  # the clone helpers; it sets Django up as this script does

    rng = random.Random(seed)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the demo's mail
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    templates = list(
        Application.objects.filter(status__in=[Status.PASSED, Status.FUNDED])
        .select_related("lead_unit")
        .prefetch_related("versions", "events", "limit_slots")
        .order_by("pk")
    )
    directions = Direction.objects.filter(pk__in={t.direction_id for t in templates})
    review_round = ReviewRound.objects.create(guide=templates[0].guide, name=ROUND)
    review_round.directions.set(directions)
    have = services.selectors.round_applications(review_round).count()
    units = build_data.grow_units(max(1, applications // build_data.APPLICATIONS_PER_UNIT))
    leaders = build_data.grow_leaders(max(1, applications // build_data.APPLICATIONS_PER_LEADER), units)
    units_by_pk = {u.pk: u for u in units}
    next_slot: dict[tuple, int] = defaultdict(int)
    for row in LimitSlot.objects.values("guide_id", "direction_number", "rule_kind", "key").annotate(
        top=Max("slot")
    ):
        next_slot[(row["guide_id"], row["direction_number"], row["rule_kind"], row["key"])] = row["top"]
    for start in range(0, applications - have, BATCH):
        with transaction.atomic():
            batch = []
            for i in range(start, min(start + BATCH, applications - have)):
                template, leader = templates[i % len(templates)], leaders[i % len(leaders)]
                clone = build_data.copied(
                    template,
                    number=f"{template.number}{build_data.CLONE}{i:06d}",
                    title=f"{template.title}（第{i + 1}组）",
                    lead_unit_id=leader.unit_id,
                    leader_id=leader.pk,
                    status=Status.PASSED,
                )
                batch.append((template, units_by_pk[leader.unit_id], leader, clone))
            Application.objects.bulk_create([row[3] for row in batch])
            versions, events, slots = [], [], []
            for template, unit, leader, clone in batch:
                code = template.lead_unit.credit_code
                focus = rng.sample(VOCABULARY, 3)
                versions += [
                    build_data.copied(
                        version,
                        application_id=clone.pk,
                        submitted_by_id=leader.pk,
                        snapshot=_focused(
                            build_data.renamed_snapshot(
                                version.snapshot, number=clone.number, unit=unit, leader=leader, old_code=code
                            ),
                            focus,
                        ),
                    )
                    for version in template.versions.all()
                ]
                events += [build_data.copied(e, application_id=clone.pk) for e in template.events.all()]
                for slot in template.limit_slots.all():
                    key = unit.credit_code if slot.key == code else slot.key
                    counter = (slot.guide_id, slot.direction_number, slot.rule_kind, key)
                    next_slot[counter] += 1
                    slots.append(
                        build_data.copied(slot, application_id=clone.pk, key=key, slot=next_slot[counter])
                    )
            ApplicationVersion.objects.bulk_create(versions)
            ApplicationEvent.objects.bulk_create(events)
            LimitSlot.objects.bulk_create(slots)
    _experts(experts - Expert.objects.count(), units, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _focused(snapshot: dict, focus: list[str]) -> dict:
    """The clone's own research focus in its keywords and summary: thousands of copies of
    eight texts would all want the same few experts, as no real call does."""
    form, facts = snapshot["form"], snapshot.get("facts") or {}
    form["basic-keywords"] = ["，".join(focus)]
    summary = facts.get("summary") or form["basic-summary"][0]
    form["basic-summary"] = [f"{'、'.join(focus)}：{summary}"]
    if facts:
        facts["summary"] = form["basic-summary"][0]
    return snapshot


def _experts(count: int, applicant_units, rng: random.Random) -> None:
    fields = {f.code: f for f in FieldOfStudy.objects.all()}
    admin = User.objects.get(username="admin")
    people, experts = [], []
    for i in range(count):
        pool = rng.sample(EXPERTS, 2)
        keywords = " ".join(dict.fromkeys(w for row in pool for w in row[6].split()))
        if i % 10 == 0:
            unit = applicant_units[rng.randrange(len(applicant_units))]
            unit_name, code, county = unit.name, unit.credit_code, unit.county
        else:
            n = rng.randrange(OTHER_UNITS)
            unit_name, code, county = f"{pool[0][2]}第{n}研究所", "", COUNTIES[n % len(COUNTIES)]
        name = f"专家{i}"
        people.append(
            User(
                username=f"bench-expert-{i}",
                password="!bench",  # unusable, as `save_expert` leaves it
                role=Role.EXPERT,
                full_name=name,
                email=f"bench-expert-{i}@bench.local",
            )
        )
        experts.append(
            Expert(
                unit_name=unit_name,
                unit_credit_code=code,
                county=county,
                title=pool[0][4],
                keywords=keywords,
                profile=f"{name}，{unit_name}{pool[0][4]}，长期从事{keywords.replace(' ', '、')}研究。",
                past_work="\n".join(f"{k}关键技术研究" for k in keywords.split()),
                load_cap=15,
            )
        )
    User.objects.bulk_create(people, batch_size=BATCH)
    for user, expert in zip(people, experts, strict=True):
        expert.user = user
    Expert.objects.bulk_create(experts, batch_size=BATCH)
    links, events = [], []
    for expert in experts:
        codes = sorted({c for row in rng.sample(EXPERTS, 2) for c in row[5]})
        links += [Expert.fields.through(expert=expert, fieldofstudy=fields[c]) for c in codes]
        values = {name: getattr(expert, name) for name in services.EXPERT_FIELDS}
        values["fields"] = codes
        events.append(
            ExpertEvent(
                expert=expert,
                actor=admin,
                action="create",
                changes={k: [None, v] for k, v in values.items()},
            )
        )
    Expert.fields.through.objects.bulk_create(links, batch_size=BATCH)
    ExpertEvent.objects.bulk_create(events, batch_size=BATCH)


def _pins(review_round: ReviewRound, admin: User, every: int, rng: random.Random) -> None:
    PairRule.objects.filter(round=review_round).delete()
    if not every:
        return
    applications = list(services.selectors.round_applications(review_round).values_list("pk", flat=True))
    experts = list(Expert.objects.values_list("pk", flat=True))
    PairRule.objects.bulk_create(
        PairRule(
            round=review_round,
            application_id=pk,
            expert_id=rng.choice(experts),
            kind="pin",
            created_by=admin,
        )
        for pk in applications[::every]
    )


def timed(function, spent: dict, name: str):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

    return wrapper


def measure(applications: int, pin_every: int, seed: int) -> None:
    review_round = ReviewRound.objects.get(name=ROUND)
    admin = User.objects.get(username="admin")
    _pins(review_round, admin, pin_every, random.Random(seed))
    spent: dict[str, float] = {}
    services.build_matrices = timed(services.build_matrices, spent, "matrices")
    services.conflicts = timed(services.conflicts, spent, "conflicts")
    affinity.text_affinity = timed(affinity.text_affinity, spent, "text")
    solver.solve = timed(solver.solve, spent, "solve")
    print(
        f"{connection.vendor}，{platform.processor() or platform.machine()}，{os.cpu_count()} 核，"
        f"Python {platform.python_version()}，负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    started = time.perf_counter()
    review_round = services.propose_assignment(review_round=review_round, actor=admin)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = review_round.solver_report
    experts = Expert.objects.filter(enabled=True, available=True).count()
    print(f"实例：{applications} 项申报 × {experts} 名专家，每项 {review_round.experts_per_application} 名")
    print(
        f"读取与矩阵：{spent['matrices']:.2f} s（其中 TF-IDF {spent['text']:.2f} s，回避 {spent['conflicts']:.2f} s）"
    )
    print(f"求解：{spent['solve']:.2f} s")
    print(f"其余（规则、已有任务、写入分配与记录）：{total - spent['matrices'] - spent['solve']:.2f} s")
    print(f"合计：{total:.2f} s，峰值内存 {peak:.0f} MB")
    print(
        f"分配 {report['pairs']} 对（库中 {Assignment.objects.filter(round=review_round).count()} 条），"
        f"未配齐 {len(report['uncovered'])} 项，总匹配度 {report['total_affinity']}"
    )
    print(f"负载 {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--experts", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--pin-every",
        type=int,
        default=100,
        help="one application in this many has a pinned expert (0: none)",
    )
    parser.add_argument("--rebuild", action="store_true", help="empty the database and build again")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build(args.applications, args.experts, args.seed)
        return
    call_command("migrate", verbosity=0)
    if args.rebuild or not built(args.applications, args.experts):
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, *sys.argv[1:], "--build-only"], check=True)
        print(f"建库：{time.perf_counter() - started:.1f} s")
    measure(args.applications, args.pin_every, args.seed)


if __name__ == "__main__":
    main()
