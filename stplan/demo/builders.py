"""Valid identifiers and filled-in 申报书 for the demo data (and the tests that drive the
same screens): what a careful applicant would type, as the form posts it."""

from datetime import date, timedelta

from stplan.eligibility.identifiers import ric_check_character, uscc_check_character

# The smallest well-formed PDF: enough for content sniffing and for browsers to open.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def credit_code(serial: int, *, region: str = "450300") -> str:
    """A 统一社会信用代码 with a correct check character: 9 (工商) 1 (企业) + region + serial."""
    first17 = f"91{region}{serial:09d}"
    return first17 + uscc_check_character(first17)


def resident_id(birth: date, serial: int, *, region: str = "450305") -> str:
    first17 = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + ric_check_character(first17)


def years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:
        anniversary = today.replace(year=today.year - years, day=28)
    return anniversary - timedelta(days=days)


def _rows(prefix: str, rows: list[dict]) -> dict[str, list[str]]:
    data = {f"{prefix}-TOTAL_FORMS": [str(len(rows))], f"{prefix}-INITIAL_FORMS": ["0"]}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = [str(value)]
    return data


def challenge_plan_form(*, item_pk: int, title: str = "伺服驱动芯片") -> dict[str, list[str]]:
    """The 揭榜方案 section of a 申报书 answering 榜单 item `item_pk`."""
    return {
        "challenge-item": [str(item_pk)],
        "challenge-overall_plan": [
            f"{title}：首席专家组建跨单位团队，分芯片设计、工艺验证、整机集成三个课题攻关。"
        ],
        "challenge-technical_route": ["需求分解—架构设计—流片验证—整机适配—小批量试产。"],
    }


def application_form(
    *,
    today: date,
    title: str,
    years: int,
    requested: int,
    self_raised: int,
    leader_birth: date,
    leader_serial: int = 1,
    degree: str = "doctorate",
    discipline: str = "engineering",
    leader_title: str = "associate_senior",
    arrived_in_guilin_on: date | None = None,
    track: str = "",
    recommender_pk: int | None = None,
    partners: tuple[tuple[str, int], ...] = (),
    indicators: dict[str, int] | None = None,
    field_of_study_pk: int | None = None,
    exclusions: tuple[tuple[str, str, str], ...] = (),
    summary: str | None = None,
    research_content: str | None = None,
) -> dict[str, list[str]]:
    """A complete 申报书 as the edit form posts it; the budget spends exactly what it raises."""
    start = date(today.year + 1, 1, 1)
    total = requested + self_raised
    per_year = [total // years] * years
    per_year[0] += total - sum(per_year)
    data = {
        "basic-title": [title],
        "basic-track": [track],
        "basic-duration_years": [str(years)],
        "basic-start_date": [start.isoformat()],
        "basic-end_date": [date(start.year + years - 1, 12, 31).isoformat()],
        "basic-keywords": ["关键技术，产业化，示范应用"],
        "basic-summary": [
            summary if summary is not None else f"{title}：围绕指南方向开展关键技术研究与示范应用。"
        ],
        "basic-recommender": [str(recommender_pk) if recommender_pk else ""],
        "basic-field_of_study": [str(field_of_study_pk) if field_of_study_pk else ""],
        "lead-matching": [""],
        "leader-id_type": ["resident_id"],
        "leader-id_number": [resident_id(leader_birth, leader_serial)],
        "leader-birth_date": [""],
        "leader-degree": [degree],
        "leader-discipline": [discipline],
        "leader-title": [leader_title],
        "leader-arrived_in_guilin_on": [arrived_in_guilin_on.isoformat() if arrived_in_guilin_on else ""],
        "content-research_content": [
            research_content or "1. 关键技术攻关；2. 样机研制与测试；3. 示范应用与推广。"
        ],
        "content-technical_route": ["需求分析—方案设计—样机研制—测试验证—示范应用。"],
        "content-basis": ["团队在该领域有多年研究积累。"],
        "sources-city": [str(requested)],
        "sources-self_raised": [str(self_raised)],
        "sources-other": ["0"],
        **_rows("partners", [{"credit_code": code, "matching": m} for code, m in partners]),
        **_rows(
            "team",
            [
                {
                    "name": "李明",
                    "id_type": "resident_id",
                    "id_number": resident_id(date(1990, 5, 6), leader_serial + 100),
                    "title": "intermediate",
                    "unit_name": "",
                    "role": "技术研发",
                    "core_member": "on",
                }
            ],
        ),
        **_rows("subprojects", []),
        **_rows("exclusions", [{"name": n, "unit_name": u, "reason": r} for n, u, r in exclusions]),
        **_rows(
            "budget",
            [
                {
                    "equipment": amount // 4,
                    "business": amount // 2,
                    "labor": amount // 8,
                    "indirect": amount - amount // 4 - amount // 2 - amount // 8,
                }
                for amount in per_year
            ],
        ),
    }
    for metric, count in (indicators or {}).items():
        data[f"indicators-{metric}"] = [str(count)]
    return data
