"""A 申报书 draft from one application in the 申报数据交换格式 v1 (shared/spec/application-format.md).

The draft is stored as the edit form would post it (`Application.form`), so a draft pushed by
another system opens, checks and submits exactly as one typed in the browser. The lead unit
and the 项目负责人 are the caller's own registered ones: the document's `lead` gives only the
figures a unit states per application (研发经费, 营业收入, 匹配经费), and `lead.credit_code`
must be the caller's unit. What the format does not carry (start and end dates, the budget by
year, 考核指标 figures) comes beside it; left out, the draft lists it among its problems.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from stplan.accounts.models import RecommenderKind, Unit, UnitStatus
from stplan.eligibility import facts
from stplan.errors import ServiceError

BUDGET_HEADS = ("equipment", "business", "labor", "indirect")


@dataclass(frozen=True)
class DraftExtras:
    start_date: date | None = None
    end_date: date | None = None
    keywords: str = ""
    # The format's optional `content` (研究内容); the summary stands in for it when absent.
    research_content: str = ""
    technical_route: str = ""
    basis: str = ""
    # One dict per year of the project: 设备费, 业务费, 劳务费, 间接费用 in 元.
    budget: list[dict[str, int]] = field(default_factory=list)
    indicator_targets: dict[str, int] = field(default_factory=dict)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _rows(prefix: str, rows: list[dict]) -> dict[str, list[str]]:
    data = {f"{prefix}-TOTAL_FORMS": [str(len(rows))], f"{prefix}-INITIAL_FORMS": ["0"]}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = [_text(value)]
    return data


def _recommender(name: str | None) -> Unit | None:
    if not name:
        return None
    unit = (
        Unit.objects.filter(name=name, status=UnitStatus.APPROVED)
        .exclude(recommender_kind=RecommenderKind.NONE)
        .first()
    )
    if unit is None:
        raise ServiceError(
            _("recommended_by：系统中没有名为“%(name)s”并已通过审核的推荐单位。") % {"name": name}
        )
    return unit


def draft_form(*, document: facts.Application, lead_unit: Unit, extras: DraftExtras) -> MultiValueDict:
    """The edit form's fields for `document`, refused when it names another lead unit."""
    if document.lead.credit_code.strip().upper() != lead_unit.credit_code:
        raise ServiceError(
            _("lead.credit_code：牵头单位须为您所在的单位（统一社会信用代码 %(code)s）。")
            % {"code": lead_unit.credit_code}
        )
    recommender = _recommender(document.recommended_by)
    leader = document.leader
    data = {
        "basic-title": [document.title],
        "basic-track": [document.track or ""],
        "basic-duration_years": [str(document.duration_years)],
        "basic-start_date": [_text(extras.start_date)],
        "basic-end_date": [_text(extras.end_date)],
        "basic-keywords": [extras.keywords],
        "basic-summary": [document.summary],
        "basic-recommender": [str(recommender.pk) if recommender else ""],
        "basic-field_of_study": [""],
        "lead-rd_expense_last_year": [_text(document.lead.rd_expense_last_year)],
        "lead-revenue_last_year": [_text(document.lead.revenue_last_year)],
        "lead-matching": [_text(document.lead.matching)],
        **{
            f"leader-{key}": [_text(getattr(leader, key))]
            for key in (
                "id_type",
                "id_number",
                "birth_date",
                "degree",
                "discipline",
                "title",
                "arrived_in_guilin_on",
                "talent_category",
                "foreign_expert_class",
            )
        },
        "content-research_content": [extras.research_content or document.summary],
        "content-technical_route": [extras.technical_route],
        "content-basis": [extras.basis],
        "sources-city": [str(document.funding.requested)],
        "sources-self_raised": [str(document.funding.matching)],
        "sources-other": ["0"],
        **_rows(
            "partners", [{"credit_code": p.credit_code, "matching": p.matching} for p in document.partners]
        ),
        **_rows(
            "team",
            [
                {
                    "name": m.name,
                    "id_type": m.id_type,
                    "id_number": m.id_number,
                    "title": m.title,
                    "core_member": m.core_member,
                }
                for m in document.team
            ],
        ),
        **_rows("subprojects", []),
        **_rows("exclusions", []),
        **_rows("budget", [{head: year.get(head, 0) for head in BUDGET_HEADS} for year in extras.budget]),
    }
    if document.outcomes is not None:
        for key in ("new_benefit", "budget_executed", "product_annual_sales"):
            data[f"outcomes-{key}"] = [_text(getattr(document.outcomes, key))]
    for metric, count in extras.indicator_targets.items():
        data[f"indicators-{metric}"] = [str(count)]
    return MultiValueDict(data)
