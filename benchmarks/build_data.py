"""Grows a database to N applications shaped exactly like the services' output, fast.

The demo data (`manage.py load_demo`, made through the same services as the screens) holds
applications in every state with their frozen versions, events and limit places. This script
clones them, in bulk inserts, onto new units and 负责人 until the database holds N
applications: every column copied from a row the services wrote, only the names, numbers,
credit codes and submission times changed, so the lists, the desk re-check and the exports
meet the same rows, JSON and places they would in production. Run it again with a larger N
to grow the same database (5,000 → 50,000 → 500,000).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stplan_bench \\
        .venv/bin/python benchmarks/build_data.py --applications 50000
"""

import argparse
import copy
import os
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402

from stplan.accounts.models import Role, Unit, User  # noqa: E402
from stplan.applications.models import (  # noqa: E402
    Application,
    ApplicationEvent,
    ApplicationVersion,
    LimitSlot,
)
from stplan.demo.builders import credit_code  # noqa: E402

CLONE = "-B"  # marks the cloned applications' numbers
APPLICATIONS_PER_UNIT = 25
APPLICATIONS_PER_LEADER = 5
BATCH = 1000
SERIAL_BASE = 700_000_000


def copied(instance, **changes):
    """A new unsaved row with every column of `instance` but its key and `changes`."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    values.update(changes)
    return type(instance)(**values)


def grow_units(target: int) -> list[Unit]:
    applicants = list(Unit.objects.filter(recommender_kind="", people__role=Role.LEADER).distinct())
    have = list(Unit.objects.filter(contact_email__endswith="@bench.local").order_by("pk"))
    new = []
    for i in range(len(have), target):
        model = applicants[i % len(applicants)]
        new.append(
            copied(
                model,
                name=f"{model.name.removesuffix('有限公司')}第{i + 1}分部",
                credit_code=credit_code(SERIAL_BASE + i),
                contact_email=f"bench-unit-{i}@bench.local",
            )
        )
    Unit.objects.bulk_create(new, batch_size=BATCH)
    return have + list(Unit.objects.filter(credit_code__in=[u.credit_code for u in new]).order_by("pk"))


def grow_leaders(target: int, units: list[Unit]) -> list[User]:
    have = list(User.objects.filter(username__startswith="bench-leader-").order_by("pk"))
    new = [
        User(
            username=f"bench-leader-{i}",
            password="!bench",  # unusable: nobody logs in as them
            role=Role.LEADER,
            unit=units[i % len(units)],
            full_name=f"负责人{i}",
            email=f"bench-leader-{i}@bench.local",
        )
        for i in range(len(have), target)
    ]
    User.objects.bulk_create(new, batch_size=BATCH)
    return have + list(User.objects.filter(username__in=[u.username for u in new]).order_by("pk"))


def renamed_snapshot(snapshot: dict, *, number: str, unit: Unit, leader: User, old_code: str) -> dict:
    snapshot = copy.deepcopy(snapshot)
    snapshot["number"] = number
    snapshot["lead_unit"] = {"name": unit.name, "credit_code": unit.credit_code}
    snapshot["leader"] = {"name": str(leader), "username": leader.username}
    facts = snapshot.get("facts") or {}
    if facts:
        facts["id"] = number
        if facts["lead"]["credit_code"] == old_code:
            facts["lead"] = {**facts["lead"], "name": unit.name, "credit_code": unit.credit_code}
    return snapshot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5000)
    args = parser.parse_args()
    started = time.perf_counter()
    if not Application.objects.exists():
        call_command("load_demo")
    templates = list(
        Application.objects.exclude(number__contains=CLONE)
        .select_related("lead_unit")
        .prefetch_related("versions", "events", "limit_slots")
        .order_by("pk")
    )
    existing = Application.objects.count()
    if existing >= args.applications:
        print(f"已有 {existing} 项申报，不需要增加")
        return
    units = grow_units(max(1, args.applications // APPLICATIONS_PER_UNIT))
    leaders = grow_leaders(max(1, args.applications // APPLICATIONS_PER_LEADER), units)
    units_by_pk = {u.pk: u for u in units}
    print(f"单位 {len(units)}，负责人 {len(leaders)}（{time.perf_counter() - started:.1f} s）")
    next_slot: dict[tuple, int] = defaultdict(int)
    for row in LimitSlot.objects.values("guide_id", "direction_number", "rule_kind", "key").annotate(
        top=Max("slot")
    ):
        next_slot[(row["guide_id"], row["direction_number"], row["rule_kind"], row["key"])] = row["top"]
    clone_index = Application.objects.filter(number__contains=CLONE).count()
    while existing < args.applications:
        size = min(BATCH, args.applications - existing)
        with transaction.atomic():
            batch = []
            for offset in range(size):
                i = clone_index + offset
                template = templates[i % len(templates)]
                leader = leaders[i % len(leaders)]
                unit = units_by_pk[leader.unit_id]
                submitted = template.first_submitted_at
                batch.append(
                    (
                        template,
                        unit,
                        leader,
                        copied(
                            template,
                            number=f"{template.number}{CLONE}{i:06d}",
                            title=f"{template.title}（第{i + 1}组）" if template.title else "",
                            lead_unit_id=unit.pk,
                            leader_id=leader.pk,
                            first_submitted_at=submitted + timedelta(seconds=i) if submitted else None,
                        ),
                    )
                )
            Application.objects.bulk_create([row[3] for row in batch], batch_size=BATCH)
            versions, events, slots = [], [], []
            for template, unit, leader, clone in batch:
                code = template.lead_unit.credit_code
                for version in template.versions.all():
                    versions.append(
                        copied(
                            version,
                            application_id=clone.pk,
                            submitted_by_id=leader.pk,
                            snapshot=renamed_snapshot(
                                version.snapshot, number=clone.number, unit=unit, leader=leader, old_code=code
                            ),
                        )
                    )
                events += [copied(event, application_id=clone.pk) for event in template.events.all()]
                for slot in template.limit_slots.all():
                    key = unit.credit_code if slot.key == code else slot.key
                    counter = (slot.guide_id, slot.direction_number, slot.rule_kind, key)
                    next_slot[counter] += 1
                    slots.append(copied(slot, application_id=clone.pk, key=key, slot=next_slot[counter]))
            ApplicationVersion.objects.bulk_create(versions, batch_size=BATCH)
            ApplicationEvent.objects.bulk_create(events, batch_size=BATCH)
            LimitSlot.objects.bulk_create(slots, batch_size=BATCH)
        existing += size
        clone_index += size
        if existing % 10_000 < BATCH or existing >= args.applications:
            print(f"{existing} 项申报（{time.perf_counter() - started:.1f} s）", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"完成：{Application.objects.count()} 项申报，用时 {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
