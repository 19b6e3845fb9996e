"""Eligibility engine throughput: N synthetic applications checked in one batch.

    .venv/bin/python benchmarks/eligibility.py [--n 100000] [--seed 1]

Generates applications in the interchange format across all 方向 of guilin-2022 (a mix
that passes and fails), reads them into facts as `stplan check` does, checks them with
`check_batch`, and prints the time of each step and applications per second.
"""

import argparse
import platform
import random
import time
from collections import Counter
from datetime import date, timedelta

from stplan.eligibility.engine import check_batch
from stplan.eligibility.gc import collector_paused
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.identifiers import ric_check_character, uscc_check_character
from stplan.eligibility.interchange import parse_applications

KINDS = ["enterprise"] * 6 + ["university", "institute", "hospital", "government", "social_org"]
QUALIFICATIONS = [
    "high_tech_enterprise",
    "gazelle",
    "tech_sme",
    "innovative_county",
    "own_land",
    "science_base",
]
ATTACHMENTS = [
    "financial_statements",
    "audit_report",
    "county_recommendation",
    "talent_proof",
    "ethics_approval",
    "id_card",
    "doctorate_certificate",
    "guilin_arrival_proof",
    "matching_commitment",
    "cooperation_agreement",
    "service_agreement",
    "appointment_letter",
    "ip_proof",
    "no_city_funding_commitment",
]


def organization(rng: random.Random, serial: int) -> dict:
    body = f"91450300{serial:09d}"
    return {
        "name": f"单位{serial}",
        "credit_code": body + uscc_check_character(body),
        "kind": rng.choice(KINDS),
        "in_guilin": rng.random() < 0.9,
        "province": "广西壮族自治区" if rng.random() < 0.9 else "广东省",
        "county": rng.choice(["七星区", "秀峰区", "临桂区", "阳朔县", "荔浦市"]),
        "qualifications": rng.sample(QUALIFICATIONS, rng.randint(0, 2)),
        "rd_expense_last_year": rng.randrange(0, 10_000_000),
        "revenue_last_year": rng.randrange(0, 50_000_000),
        "matching": rng.randrange(0, 3_000_000),
    }


def person(rng: random.Random) -> dict:
    born = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 30 * 365))
    body = f"450302{born:%Y%m%d}{rng.randrange(1000):03d}"
    return {
        "name": "申报人",
        "id_type": "resident_id",
        "id_number": body + ric_check_character(body),
        "degree": rng.choice(["doctorate", "master", "bachelor"]),
        "discipline": rng.choice(
            ["natural_science", "engineering", "agriculture", "medical", "social_science"]
        ),
        "title": rng.choice(["senior", "associate_senior", "intermediate"]),
        "arrived_in_guilin_on": (date(2017, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))).isoformat(),
        "talent_category": rng.choice([None, 2, 4, 5]),
        "foreign_expert_class": rng.choice([None, "A", "B"]),
        "core_member": rng.random() < 0.5,
    }


def synthetic_applications(n: int, seed: int) -> list[dict]:
    guide = load_guide_data("guilin-2022")
    rng = random.Random(seed)
    apps = []
    for i in range(n):
        direction = rng.choice(guide.directions)
        requested = rng.choice([30_000, 50_000, 100_000, 200_000, 300_000, 500_000])
        apps.append(
            {
                "id": f"B-{i:06d}",
                "direction": direction.number,
                "track": rng.choice(list(direction.tracks)) if direction.tracks else None,
                "title": "合成申报",
                "submitted_at": f"2022-05-{rng.randint(1, 31):02d}T{rng.randint(8, 17):02d}:00:00",
                "duration_years": direction.duration_years if rng.random() < 0.95 else 5,
                "lead": organization(rng, rng.randrange(20_000)),
                "partners": [organization(rng, rng.randrange(20_000)) for _ in range(rng.randint(0, 3))],
                "leader": person(rng),
                "team": [person(rng) for _ in range(rng.randint(0, 4))],
                "subprojects": rng.randint(1, 7),
                "funding": {"requested": requested, "matching": requested * rng.choice([0, 1, 3, 4])},
                "outcomes": {
                    "new_benefit": rng.randrange(0, 60_000_000),
                    "budget_executed": rng.randrange(0, 2_000_000),
                    "product_annual_sales": rng.randrange(0, 10_000_000),
                },
                "attachments": rng.sample(ATTACHMENTS, rng.randint(0, len(ATTACHMENTS))),
                "recommended_by": rng.choice([None, "七星区科技局"]),
            }
        )
    return apps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="number of applications (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    guide = load_guide_data("guilin-2022")
    started = time.perf_counter()
    with collector_paused(args.n):
        raw = synthetic_applications(args.n, args.seed)
    generated = time.perf_counter()
    applications = parse_applications(raw, guide)
    parsed = time.perf_counter()
    results = check_batch(applications, guide)
    checked = time.perf_counter()

    verdicts = Counter(r.verdict for r in results)
    parse_s, check_s = parsed - generated, checked - parsed
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    print(f"applications: {args.n} (seed {args.seed}); generated in {generated - started:.2f} s")
    print(f"read into facts (pydantic): {parse_s:.2f} s = {args.n / parse_s:,.0f} applications/s")
    print(f"check_batch (engine):       {check_s:.2f} s = {args.n / check_s:,.0f} applications/s")
    print(
        f"read + check:               {parse_s + check_s:.2f} s = {args.n / (parse_s + check_s):,.0f} applications/s"
    )
    print(f"verdicts: {dict(verdicts)}; findings: {sum(len(r.findings) for r in results)}")


if __name__ == "__main__":
    main()
