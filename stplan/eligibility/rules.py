"""The kinds of rule a guide's data file may name, each a parameterised check.

A guide lists, per 方向, rules such as `{kind: lead_kinds, clause: 申报要求1, kinds:
[enterprise]}`; pydantic reads each into the class below whose `kind` matches, so a
misspelt kind or parameter fails when the guide is loaded, not when an application is
checked. Each rule answers one question about one application; limits that count
applications against each other (`BatchLimit`) are applied by the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from stplan.eligibility import labels
from stplan.eligibility.facts import Application, Organization, Person, RecommenderKind
from stplan.eligibility.identifiers import ric_birth_date, ric_problem

if TYPE_CHECKING:
    from stplan.eligibility.guide import Direction

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    clause: str

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "clause": self.clause}


NO_FINDINGS: tuple[Finding, ...] = ()

# The parts of an application a check may need complete before it can say anything.
PARTS = frozenset(
    {"basic", "lead", "partners", "leader", "team", "subprojects", "funding", "outcomes", "challenge"}
)


def full_years(start: date, on: date) -> int:
    """Completed years from `start` to `on` (周岁): the anniversary day itself counts as completed."""
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def years_after(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def birth_date_of(person: Person) -> date | None:
    if person.id_type == "resident_id" and ric_problem(person.id_number) is None:
        return ric_birth_date(person.id_number)
    return person.birth_date


class Condition(BaseModel):
    """When a rule applies, or what satisfies a 优先支持 hint; every key given must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    track: tuple[str, ...] | None = None
    has_unit_kind: str | None = None
    has_partner: bool | None = None
    lead_kind: tuple[str, ...] | None = None
    lead_has_qualification: tuple[str, ...] | None = None
    lead_revenue_at_least: int | None = None
    has_attachment: tuple[str, ...] | None = None
    partner_in_guilin_kinds: tuple[str, ...] | None = None

    @property
    def reads(self) -> frozenset[str]:
        """The parts of the application (see `PARTS`) the condition looks at."""
        keys = {
            "track": "basic",
            "has_unit_kind": "partners",
            "has_partner": "partners",
            "lead_revenue_at_least": "lead",
            "partner_in_guilin_kinds": "partners",
        }
        return frozenset(part for key, part in keys.items() if getattr(self, key) is not None)

    def holds(self, app: Application) -> bool:
        lead = app.lead
        return (
            (self.track is None or app.track in self.track)
            and (self.has_unit_kind is None or any(u.kind == self.has_unit_kind for u in app.units))
            and (self.has_partner is None or bool(app.partners) == self.has_partner)
            and (self.lead_kind is None or lead.kind in self.lead_kind)
            and (
                self.lead_has_qualification is None
                or any(q in lead.qualifications for q in self.lead_has_qualification)
            )
            and (
                self.lead_revenue_at_least is None
                or (lead.revenue_last_year or 0) >= self.lead_revenue_at_least
            )
            and (self.has_attachment is None or any(a in app.attachments for a in self.has_attachment))
            and (
                self.partner_in_guilin_kinds is None
                or any(p.in_guilin and p.kind in self.partner_in_guilin_kinds for p in app.partners)
            )
        )


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    clause: str
    severity: Severity = "error"
    message: str | None = None
    when: Condition | None = None
    # A careful officer's reading of an ambiguous clause, kept beside the rule it shapes.
    interpretation: str | None = None
    # The parts of the application (see `PARTS`) the check looks at beyond the lead unit's
    # registration, the attachments and the date, which are always known: a 申报书 being
    # filled in is checked against a rule as soon as these parts are complete.
    reads: ClassVar[frozenset[str]] = frozenset()

    def needs(self) -> frozenset[str]:
        return self.reads | (self.when.reads if self.when is not None else frozenset())

    def findings(self, app: Application, direction: Direction) -> tuple[Finding, ...]:
        if self.when is not None and not self.when.holds(app):
            return NO_FINDINGS
        return self.evaluate(app, direction)

    def evaluate(self, app: Application, direction: Direction) -> tuple[Finding, ...]:
        problem = self.problem(app, direction)
        if problem is None:
            return NO_FINDINGS
        return (self.finding(direction, self.message or problem),)

    def finding(self, direction: Direction, message: str, severity: Severity | None = None) -> Finding:
        return Finding(
            rule=self.kind,  # type: ignore[attr-defined]
            severity=severity or self.severity,
            message=message,
            clause=f"方向{direction.number} {self.clause}",
        )

    def problem(self, app: Application, direction: Direction) -> str | None:
        """What is wrong with `app` under this rule and how to fix it; None when nothing is."""
        raise NotImplementedError


class Closed(Rule):
    kind: Literal["closed"]

    def problem(self, app, direction):
        return f"方向{direction.number}不接受申报。"


class LeadKinds(Rule):
    kind: Literal["lead_kinds"]
    kinds: tuple[str, ...]

    def problem(self, app, direction):
        if app.lead.kind in self.kinds:
            return None
        wanted = labels.names(labels.ORGANIZATION_KINDS, self.kinds)
        actual = labels.ORGANIZATION_KINDS[app.lead.kind]
        return (
            f"本方向限{wanted}牵头申报，牵头单位“{app.lead.name}”为{actual}。请由{wanted}作为第一申报单位。"
        )


class NoPartners(Rule):
    kind: Literal["no_partners"]
    reads: ClassVar[frozenset[str]] = frozenset({"partners"})

    def problem(self, app, direction):
        if not app.partners:
            return None
        return (
            f"本方向限单独申报，本申报有{len(app.partners)}个参与单位。请去掉参与单位，由牵头单位单独申报。"
        )


class PartnerKinds(Rule):
    kind: Literal["partner_kinds"]
    reads: ClassVar[frozenset[str]] = frozenset({"partners"})
    kinds: tuple[str, ...]

    def problem(self, app, direction):
        if any(p.kind in self.kinds for p in app.partners):
            return None
        wanted = labels.names(labels.ORGANIZATION_KINDS, self.kinds)
        return f"本方向须与{wanted}联合申报，参与单位中没有{wanted}。请添加{wanted}作为参与单位。"


class UnitsInclude(Rule):
    """Every group of kinds is represented among the lead and partner units, by different units."""

    kind: Literal["units_include"]
    reads: ClassVar[frozenset[str]] = frozenset({"partners"})
    groups: tuple[tuple[str, ...], ...]

    def problem(self, app, direction):
        units = app.units
        if len(units) >= len(self.groups) and all(
            any(u.kind in group for u in units) for group in self.groups
        ):
            return None
        wanted = "和".join(labels.names(labels.ORGANIZATION_KINDS, g[:2]) for g in self.groups)
        return f"本方向须由{wanted}等单位联合申报，现有申报单位不满足。请补充联合申报单位。"


class MinUnits(Rule):
    kind: Literal["min_units"]
    reads: ClassVar[frozenset[str]] = frozenset({"partners"})
    min: int

    def problem(self, app, direction):
        count = len(app.partners) + 1
        if count >= self.min:
            return None
        return f"本方向须至少{self.min}个单位联合申报，现为{count}个。请添加参与单位。"


class MaxUnits(Rule):
    kind: Literal["max_units"]
    reads: ClassVar[frozenset[str]] = frozenset({"partners"})
    max: int

    def problem(self, app, direction):
        count = len(app.partners) + 1
        if count <= self.max:
            return None
        return f"项目承担单位不得超过{self.max}个（含牵头单位），现为{count}个。请减少参与单位。"


class MaxSubprojects(Rule):
    kind: Literal["max_subprojects"]
    reads: ClassVar[frozenset[str]] = frozenset({"subprojects"})
    max: int

    def problem(self, app, direction):
        if app.subprojects <= self.max:
            return None
        return f"每个项目课题数不得超过{self.max}项，现为{app.subprojects}项。请合并或删减课题。"


class LeadInGuilin(Rule):
    kind: Literal["lead_in_guilin"]

    def problem(self, app, direction):
        if app.lead.in_guilin:
            return None
        city = direction.city
        return f"本方向申报单位应在{city}注册，牵头单位“{app.lead.name}”未在{city}注册。"


class LeadQualification(Rule):
    kind: Literal["lead_qualification"]
    any_of: tuple[str, ...]

    def problem(self, app, direction):
        if any(q in app.lead.qualifications for q in self.any_of):
            return None
        wanted = "或".join(labels.QUALIFICATIONS[q] for q in self.any_of)
        return f"本方向限{wanted}申报，牵头单位“{app.lead.name}”未登记该资质。请由符合条件的单位牵头，或补充资质信息。"


class PartnerOutsideProvince(Rule):
    kind: Literal["partner_outside_province"]
    reads: ClassVar[frozenset[str]] = frozenset({"partners"})
    province: str

    def problem(self, app, direction):
        if any(p.province and not p.province.startswith(self.province) for p in app.partners):
            return None
        return f"本方向须与{self.province}区外的企事业单位合作，参与单位中没有注册地在{self.province}以外的单位。"


class RecommendationRequired(Rule):
    kind: Literal["recommendation_required"]
    reads: ClassVar[frozenset[str]] = frozenset({"basic"})
    # Which kinds of 推荐单位 may recommend; checked where the kind is known (the web 申报书),
    # since the interchange format names the 推荐单位 only.
    recommender_kinds: tuple[RecommenderKind, ...] = ()

    def problem(self, app, direction):
        if not (app.recommended_by and app.recommended_by.strip()):
            return "本方向申报材料须由县（市、区）科技主管部门推荐，未填写推荐单位。"
        if self.recommender_kinds and app.recommended_by_kind not in (None, *self.recommender_kinds):
            return f"本方向申报材料须由县（市、区）科技主管部门推荐，所选推荐单位“{app.recommended_by}”不是县（市、区）科技主管部门。"
        return None


class Attachments(Rule):
    kind: Literal["attachments"]
    codes: tuple[str, ...]

    def problem(self, app, direction):
        missing = [c for c in self.codes if c not in app.attachments]
        if not missing:
            return None
        return f"缺少附件：{labels.names(labels.ATTACHMENTS, missing)}。请上传后再提交。"


class Matching(Rule):
    """匹配经费: `ratio` 元 of the unit's own money for every 元 of 市财政资助.

    scope `whole`: the project's matching funds cover the whole request. scope
    `enterprise_part` (企业参与项目企业经费部分): only the enterprises' share is bound; the
    format does not say how the city's money is split among the units, so the whole
    request binds when an enterprise leads (the lead receives the city's money), and when
    enterprises only take part an officer checks their share by eye.
    """

    kind: Literal["matching"]
    reads: ClassVar[frozenset[str]] = frozenset({"funding", "lead", "partners"})
    ratio: int
    scope: Literal["whole", "enterprise_part"]

    def evaluate(self, app, direction):
        requested = app.funding.requested
        need = self.ratio * requested
        if self.scope == "whole":
            have = app.funding.matching
        else:
            enterprises = [u for u in app.units if u.kind == "enterprise"]
            if not enterprises:
                return NO_FINDINGS
            have = _enterprise_matching(app, enterprises)
            if app.lead.kind != "enterprise":
                message = (
                    f"企业参与项目，企业经费部分须按不低于1:{self.ratio}匹配：参与企业自筹{labels.yuan(have)}，"
                    f"分给企业的市财政资助不得超过{labels.yuan(have // self.ratio)}，请科室核实。"
                )
                return (self.finding(direction, message, "warning"),)
        if have >= need:
            return NO_FINDINGS
        whose = "企业自筹" if self.scope == "enterprise_part" else "自筹匹配经费"
        message = (
            f"匹配经费不足：须按不低于1:{self.ratio}匹配，申请市财政资助{labels.yuan(requested)}需{whose}"
            f"至少{labels.yuan(need)}，现为{labels.yuan(have)}。请增加自筹经费或减少申请金额"
            f"（按现有自筹最多可申请{labels.yuan(have // self.ratio)}）。"
        )
        return (self.finding(direction, message),)


def _enterprise_matching(app: Application, enterprises: list[Organization]) -> int:
    """The enterprises' own money: their stated shares, and for an enterprise lead that states
    none, what the project's matching funds leave after the other units' stated shares."""
    stated = sum(u.matching for u in enterprises if u.matching is not None)
    lead = app.lead
    if lead.kind == "enterprise" and lead.matching is None:
        others = sum(p.matching for p in app.partners if p.matching is not None)
        stated += max(0, app.funding.matching - others)
    return stated


class EnterpriseRdExpense(Rule):
    kind: Literal["enterprise_rd_expense"]
    reads: ClassVar[frozenset[str]] = frozenset({"lead", "partners"})
    min: int

    def problem(self, app, direction):
        short = [
            u.name
            for u in app.units
            if u.kind == "enterprise"
            and (u.rd_expense_last_year is None or u.rd_expense_last_year < self.min)
        ]
        if not short:
            return None
        return (
            f"企业参与项目原则上上年度研发经费应在{labels.yuan(self.min)}以上："
            f"{'、'.join(short)}未达到或未填写，请科室核实。"
        )


class MinProductSales(Rule):
    kind: Literal["min_product_sales"]
    reads: ClassVar[frozenset[str]] = frozenset({"outcomes"})
    min: int

    def problem(self, app, direction):
        sales = app.outcomes.product_annual_sales if app.outcomes else None
        if sales is not None and sales >= self.min:
            return None
        stated = "未填写" if sales is None else f"为{labels.yuan(sales)}"
        return f"申报品种年销售额须在{labels.yuan(self.min)}以上，现{stated}。"


class LeaderTalentCategory(Rule):
    kind: Literal["leader_talent_category"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    max_category: int

    def problem(self, app, direction):
        category = app.leader.talent_category
        if category is not None and category <= self.max_category:
            return None
        stated = "未填写人才类别" if category is None else f"为第{category}类人才"
        return (
            f"项目负责人须符合{direction.city}高层次人才分类目录第{self.max_category}类以上（含）认定条件，"
            f"项目负责人{stated}。"
        )


class LeaderDegree(Rule):
    kind: Literal["leader_degree"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    degrees: tuple[str, ...]

    def problem(self, app, direction):
        degree = app.leader.degree
        if degree in self.degrees:
            return None
        wanted = labels.names(labels.DEGREES, self.degrees)
        stated = "未填写学位" if degree is None else f"学位为{labels.DEGREES[degree]}"
        return f"项目负责人须为{wanted}，{stated}。"


class LeaderDiscipline(Rule):
    kind: Literal["leader_discipline"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    disciplines: tuple[str, ...]

    def problem(self, app, direction):
        discipline = app.leader.discipline
        if discipline in self.disciplines:
            return None
        stated = "未填写学科领域" if discipline is None else f"学科领域为{labels.DISCIPLINES[discipline]}"
        return f"项目负责人须为自然科学领域（{labels.names(labels.DISCIPLINES, self.disciplines)}）毕业生，{stated}。"


class LeaderArrivedWithinYears(Rule):
    kind: Literal["leader_arrived_within_years"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    years: int

    def problem(self, app, direction):
        arrived = app.leader.arrived_in_guilin_on
        on = app.submitted_on
        if arrived is None:
            return f"项目负责人须到桂林工作未满{self.years}年，未填写到桂林工作时间。"
        if arrived > on:
            return f"到桂林工作时间（{arrived}）晚于申报材料提交日期（{on}），请核对。"
        if full_years(arrived, on) < self.years:
            return None
        return (
            f"项目负责人须到桂林工作未满{self.years}年（以申报材料提交日期计算）：{arrived}到桂林工作，"
            f"至{on}已满{full_years(arrived, on)}年。"
        )


class LeaderMaxAge(Rule):
    kind: Literal["leader_max_age"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    max_age: int
    by_discipline: dict[str, int] = Field(default_factory=dict)

    def problem(self, app, direction):
        leader = app.leader
        born = birth_date_of(leader)
        if born is None:
            return "无法确定项目负责人的出生日期：请填写有效的居民身份证号码，或填写出生日期。"
        limit = self.by_discipline.get(leader.discipline, self.max_age)
        age = full_years(born, app.submitted_on)
        if age <= limit:
            return None
        field = "医学专业" if leader.discipline == "medical" else "项目负责人"
        return f"{field}年龄不得超过{limit}周岁（以申报材料提交日期{app.submitted_on}计算），项目负责人已满{age}周岁。"


class LeaderForeignExpertClass(Rule):
    kind: Literal["leader_foreign_expert_class"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    classes: tuple[str, ...]

    def problem(self, app, direction):
        stated = app.leader.foreign_expert_class
        if stated in self.classes:
            return None
        shown = "未填写" if stated is None else f"为{stated}类"
        return (
            f"项目负责人须为符合国家外国高端人才{'/'.join(self.classes)}类条件的国（境）外专家，现{shown}。"
        )


class CoreSeniorShare(Rule):
    kind: Literal["core_senior_share"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader", "team"})
    min_percent: int

    def problem(self, app, direction):
        members = (app.leader, *app.team)
        senior_core = sum(1 for p in members if p.title == "senior" and (p.core_member or p is app.leader))
        if senior_core * 100 >= self.min_percent * len(members):
            return None
        return (
            f"课题研究团队核心成员中正高职称人员应不少于课题组人员的{self.min_percent}%："
            f"课题组{len(members)}人，正高核心成员{senior_core}人。"
        )


class Priority(Rule):
    """优先支持 / 鼓励: never blocks; informs when the application is not among those preferred."""

    kind: Literal["priority"]
    severity: Severity = "warning"
    satisfied_if: Condition
    message: str

    def needs(self) -> frozenset[str]:
        return super().needs() | self.satisfied_if.reads

    def problem(self, app, direction):
        return None if self.satisfied_if.holds(app) else self.message


class OfficerVerify(Rule):
    """A requirement no fact in the application can settle: the officer checks it by eye."""

    kind: Literal["officer_verify"]
    severity: Severity = "warning"
    message: str

    def problem(self, app, direction):
        return self.message


@dataclass(frozen=True, slots=True)
class Funded:
    """A project the system itself funded (立项), as repeat-funding rules look at it."""

    number: str
    year: int
    # The funding line it was funded under (its 方向's `policy`; the 方向 itself when unnamed).
    policy: str
    unit: str  # the lead unit's 统一社会信用代码
    county: str  # "province/county" of the lead unit
    leader: str  # the 负责人's identity number


@dataclass(frozen=True, slots=True)
class Sanction:
    """A 失信 record against a unit (by 统一社会信用代码) or a person (by identity number)."""

    subject: str
    name: str
    on: date
    reason: str
    # The last day of the sanction when the list that records it says so (imported lists);
    # otherwise the rule's `years` from `on` bound it.
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Records:
    """What the system's own records say beyond the application: given by the web app, absent
    for `stplan check`, which then can only ask the officer to check."""

    funded: tuple[Funded, ...] = ()
    # 负责人 identity number → numbers of the projects in progress they lead.
    leading: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # 负责人 identity number → numbers of their projects past the end date and not accepted.
    overdue: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # (guide slug, 负责人 identity number) → numbers of the submitted applications they lead.
    applications: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    sanctions: tuple[Sanction, ...] = ()


class LeaderLimit(Rule):
    """限项: a 负责人 leads at most `max_applications` applications of the batch and at most
    `max_in_progress` projects in progress, and none while a project they lead is past its
    验收 (`no_overdue`). The engine applies it, with the records it is given."""

    kind: Literal["leader_limit"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader"})
    max_applications: int | None = Field(default=None, ge=1)
    max_in_progress: int | None = Field(default=None, ge=0)
    no_overdue: bool = False

    def problem(self, app, direction):
        return None

    def checked(
        self, app: Application, direction: Direction, slug: str, records: Records | None
    ) -> tuple[Finding, ...]:
        if self.when is not None and not self.when.holds(app):
            return NO_FINDINGS
        person = app.leader.id_number
        if records is None:
            return (
                self.finding(
                    direction,
                    f"项目负责人{app.leader.name}申报和承担项目的数量受限（限项）：本次审查没有系统的项目记录可核对，请经办人核实。",
                    "warning",
                ),
            )
        found = []
        others = [n for n in records.applications.get((slug, person), ()) if n != app.id]
        if self.max_applications is not None and len(others) >= self.max_applications:
            found.append(
                self.finding(
                    direction,
                    f"同一项目负责人本批限申报{self.max_applications}项：{app.leader.name}已有申报{'、'.join(others)}。",
                )
            )
        leading = records.leading.get(person, ())
        if self.max_in_progress is not None and len(leading) >= self.max_in_progress:
            found.append(
                self.finding(
                    direction,
                    f"同一项目负责人在研项目不得超过{self.max_in_progress}项：{app.leader.name}正在承担{'、'.join(leading)}。",
                )
            )
        overdue = records.overdue.get(person, ())
        if self.no_overdue and overdue:
            found.append(
                self.finding(
                    direction,
                    f"项目负责人{app.leader.name}承担的{'、'.join(overdue)}已过结束日期尚未验收，验收前不能申报新项目。",
                )
            )
        return tuple(found)


class CreditSanction(Rule):
    """失信: a unit or 负责人 with a 失信 record (验收不通过, 终止实施, imported lists) is barred
    for `years` years from the record's date."""

    kind: Literal["credit_sanction"]
    reads: ClassVar[frozenset[str]] = frozenset({"leader", "partners"})
    years: int = Field(ge=1)

    def problem(self, app, direction):
        return None

    def checked(self, app: Application, direction: Direction, records: Records | None) -> tuple[Finding, ...]:
        if self.when is not None and not self.when.holds(app):
            return NO_FINDINGS
        if records is None:
            return (
                self.finding(
                    direction,
                    f"有失信记录的单位和个人{self.years}年内不得申报：本次审查没有系统的信用记录可核对，请经办人核实。",
                    "warning",
                ),
            )
        subjects = {u.credit_code for u in app.units} | {app.leader.id_number}
        on = app.submitted_on
        barred = [s for s in records.sanctions if s.subject in subjects and s.on <= on <= self.last_day(s)]
        return tuple(self.finding(direction, self.sanction_message(s)) for s in barred)

    def last_day(self, sanction: Sanction) -> date:
        if sanction.until is not None:
            return sanction.until
        return years_after(sanction.on, self.years) - timedelta(days=1)

    def sanction_message(self, sanction: Sanction) -> str:
        recorded = f"{sanction.name}有失信记录（{sanction.on:%Y-%m-%d}，{sanction.reason}）"
        if sanction.until is not None:
            return f"{recorded}，惩戒期至{sanction.until:%Y-%m-%d}，期间不得申报。"
        return f"{recorded}，{self.years}年内不得申报。"


class NotFundedBefore(Rule):
    """不得重复申领 / 不得重复申报: not funded already under the same funding line, for the
    same unit (or county), within `within_years` years counting the guide's own (None: ever).
    What the system keeps is checked (an error); what only another funder knows (`outside`)
    is left to the officer (a warning). The engine applies it, with the records it is given."""

    kind: Literal["not_funded_before"]
    policy: str | None = None
    by: Literal["lead_unit", "county"] = "lead_unit"
    within_years: int | None = Field(default=None, ge=1)
    outside: str | None = None

    def problem(self, app, direction):
        return None

    def policy_of(self, direction: Direction) -> str:
        return self.policy or direction.funding_line

    def _key(self, app: Application) -> str:
        return app.lead.credit_code if self.by == "lead_unit" else f"{app.lead.province}/{app.lead.county}"

    def checked(
        self, app: Application, direction: Direction, year: int, records: Records | None
    ) -> tuple[Finding, ...]:
        if self.when is not None and not self.when.holds(app):
            return NO_FINDINGS
        found: list[Finding] = []
        policy = self.policy_of(direction)
        who = (
            f"牵头单位“{app.lead.name}”"
            if self.by == "lead_unit"
            else f"{app.lead.county or '该县（市、区）'}"
        )
        since = (
            ""
            if self.within_years is None
            else (
                "本年度"
                if self.within_years == 1
                else f"近{self.within_years}年（{year - self.within_years + 1}年以来）"
            )
        )
        if records is None:
            found.append(
                self.finding(
                    direction,
                    f"{who}{since}不得重复获得“{policy}”资助：本次审查没有系统的立项记录可核对，请经办人核实。",
                    "warning",
                )
            )
        else:
            key = self._key(app)
            earlier = [
                f
                for f in records.funded
                if f.policy == policy
                and f.number != app.id
                and (f.unit if self.by == "lead_unit" else f.county) == key
                and (self.within_years is None or 0 <= year - f.year < self.within_years)
            ]
            if earlier:
                numbers = "、".join(f"{f.year}年{f.number}" for f in earlier)
                found.append(
                    self.finding(
                        direction,
                        self.message or f"{who}{since}已获“{policy}”资助（{numbers}），不得重复申报。",
                    )
                )
        if self.outside:
            found.append(self.finding(direction, self.outside, "warning"))
        return tuple(found)


class ChallengeItem(Rule):
    """揭榜挂帅: the application names a published 榜单 item, open for 揭榜, and asks no more
    than the item's funding cap."""

    kind: Literal["challenge_item"]
    reads: ClassVar[frozenset[str]] = frozenset({"challenge", "funding"})

    def problem(self, app, direction):
        answer = app.challenge
        if answer is None:
            return "本方向实行“揭榜挂帅”，申报须在“揭榜方案”中选择所揭的榜单项目。"
        if not answer.open:
            return f"所揭榜单项目“{answer.item} {answer.title}”未发布、已撤榜或不在揭榜期内，不能揭榜。请选择正在揭榜的榜单项目。"
        # A cap no lower than the 方向's own is the 资助金额 check's to enforce.
        below_direction = direction.amount_max is None or (answer.amount_max or 0) < direction.amount_max
        if answer.amount_max is not None and below_direction and app.funding.requested > answer.amount_max:
            return (
                f"申请市财政资助{labels.yuan(app.funding.requested)}，超过榜单项目“{answer.item}”的资助上限"
                f"{labels.yuan(answer.amount_max)}。请按榜单调整申请金额。"
            )
        return None


class ChallengePlan(Rule):
    """首席专家负责制: the 揭榜方案 states the 整体研究方案 and 技术路线 and commits to at
    least every indicator of the 榜单 item."""

    kind: Literal["challenge_plan"]
    reads: ClassVar[frozenset[str]] = frozenset({"challenge"})

    def problem(self, app, direction):
        answer = app.challenge
        if answer is None:
            return None
        missing = [
            label
            for label, text in (("整体研究方案", answer.overall_plan), ("技术路线", answer.technical_route))
            if not text.strip()
        ]
        if missing:
            return f"揭榜方案须由首席专家提出{'、'.join(missing)}，现未填写。"
        short = [
            f"{i.label}承诺{i.committed}{i.unit}，榜单要求不少于{i.required}{i.unit}"
            for i in answer.indicators
            if i.committed < i.required
        ]
        if short:
            return (
                "揭榜方案的具体考核指标须不低于榜单项目的指标："
                + "；".join(short)
                + "。请在“考核指标”中补足。"
            )
        return None


class BatchLimit(Rule):
    """每个单位限报N项 / 每县仅限N项, counted in submission order by the engine."""

    max: int
    counted: ClassVar[str]

    def problem(self, app, direction):
        return None

    def key(self, app: Application) -> str | None:
        """What the limit counts by; None leaves the application uncounted (its own finding says why)."""
        raise NotImplementedError

    def over_limit(self, app: Application, direction: Direction, position: int) -> Finding:
        return self.finding(
            direction,
            f"{self.counted}限报{self.max}项：按提交时间，这是{self.subject(app)}在本方向的第{position}项申报，超出限额。",
        )

    def subject(self, app: Application) -> str:
        raise NotImplementedError


class PerUnitLimit(BatchLimit):
    kind: Literal["per_unit_limit"]
    counted: ClassVar[str] = "每个单位"

    def key(self, app):
        return app.lead.credit_code

    def subject(self, app):
        return f"“{app.lead.name}”"


class PerCountyLimit(BatchLimit):
    kind: Literal["per_county_limit"]
    counted: ClassVar[str] = "每个县（市、区）"

    def problem(self, app, direction):
        if app.lead.county.strip():
            return None
        return "牵头单位未填写所在县（市、区），无法核对每个县（市、区）的限报项数。请填写牵头单位注册地所在县（市、区）。"

    def key(self, app):
        return f"{app.lead.province}/{app.lead.county}" if app.lead.county.strip() else None

    def subject(self, app):
        return app.lead.county


AnyRule = Annotated[
    Closed
    | LeadKinds
    | NoPartners
    | PartnerKinds
    | UnitsInclude
    | MinUnits
    | MaxUnits
    | MaxSubprojects
    | LeadInGuilin
    | LeadQualification
    | PartnerOutsideProvince
    | RecommendationRequired
    | Attachments
    | Matching
    | EnterpriseRdExpense
    | MinProductSales
    | LeaderTalentCategory
    | LeaderDegree
    | LeaderDiscipline
    | LeaderArrivedWithinYears
    | LeaderMaxAge
    | LeaderForeignExpertClass
    | CoreSeniorShare
    | Priority
    | OfficerVerify
    | ChallengeItem
    | ChallengePlan
    | PerUnitLimit
    | PerCountyLimit
    | NotFundedBefore
    | LeaderLimit
    | CreditSanction,
    Field(discriminator="kind"),
]
