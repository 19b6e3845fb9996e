"""The 申报书 read from what the applicant typed: bound section forms, the problems that
keep it from being complete, and the eligibility facts the engine checks."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from stplan.applications import forms as f
from stplan.applications.models import Application
from stplan.challenges.models import in_guide_order
from stplan.eligibility import facts
from stplan.eligibility.engine import PendingCheck, Result, check_application, pending_checks
from stplan.eligibility.guide import load_guide_data
from stplan.eligibility.rules import PARTS, Finding

SECTIONS = {
    "basic": _("基本信息"),
    "lead": _("牵头单位"),
    "partners": _("合作单位"),
    "leader": _("项目负责人"),
    "team": _("项目团队"),
    "subprojects": _("课题设置"),
    "challenge": _("揭榜方案"),
    "content": _("研究内容"),
    "indicators": _("考核指标"),
    "budget": _("经费预算"),
    "outcomes": _("实施成效"),
    "exclusions": _("申请回避的专家"),
    "attachments": _("附件"),
}


OPTIONAL_LISTS = ("partners", "team", "subprojects", "exclusions")

# The section of the 申报书 each part of the eligibility facts comes from.
PART_SECTIONS = {part: "budget" if part == "funding" else part for part in PARTS}
# The forms each part is read from: a part is known when all of them are valid.
PART_FORMS = {
    "basic": ("basic",),
    "lead": ("lead",),
    "partners": ("partners",),
    "leader": ("leader",),
    "team": ("team",),
    "subprojects": ("subprojects",),
    "funding": ("sources",),
    "outcomes": ("outcomes",),
    "challenge": ("challenge", "indicators"),
}


@dataclass
class Problem:
    section: str
    message: str

    @property
    def section_label(self) -> str:
        return str(SECTIONS[self.section])


@dataclass(frozen=True)
class Pending:
    """A check of the guide waiting for sections of the 申报书 still incomplete."""

    clause: str
    sections: tuple[str, ...]

    @property
    def links(self) -> list[tuple[str, str]]:
        return [(s, str(SECTIONS[s])) for s in self.sections]


@dataclass
class LiveCheck:
    """What the eligibility checks say about a 申报书 while it is being filled in: the
    findings of every check whose facts are complete, and the checks still waiting. Once
    the 申报书 is complete `result` is the full check, as at submission."""

    findings: tuple[Finding, ...]
    pending: list[Pending]
    result: Result | None = None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def _pending(check: PendingCheck) -> Pending:
    sections = {PART_SECTIONS[part] for part in check.missing}
    return Pending(check.clause, tuple(s for s in SECTIONS if s in sections))


@dataclass
class Dossier:
    application: Application
    data: MultiValueDict
    bound: bool
    forms: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def of(cls, application: Application, data: MultiValueDict | None = None) -> "Dossier":
        stored = application.form
        bound = data is not None or bool(stored)
        data = (data if data is not None else f.raw_data(stored)).copy()
        # A list the form never posted (an older draft, a hand-made post) is an empty list.
        for prefix in OPTIONAL_LISTS:
            if f"{prefix}-TOTAL_FORMS" not in data:
                data.setlist(f"{prefix}-TOTAL_FORMS", ["0"])
                data.setlist(f"{prefix}-INITIAL_FORMS", ["0"])
        dossier = cls(application, data, bound)
        dossier._build()
        return dossier

    @classmethod
    def of_version(cls, application: Application, version) -> "Dossier":
        """The 申报书 as submitted in `version` (an `ApplicationVersion`), for reading and
        printing; without a version, as the draft now reads."""
        return cls.of(application, f.raw_data(version.snapshot["form"]) if version else None)

    def _form(self, form_class, **kwargs):
        return form_class(self.data if self.bound else None, **kwargs)

    def _build(self) -> None:
        direction = self.application.direction
        years = direction.duration_years
        unit = self.application.lead_unit
        self.forms = {
            "basic": self._form(
                f.BasicForm,
                direction=direction,
                lead_unit=unit,
                initial={
                    "duration_years": years,
                    "recommender": self.application.recommender_id,
                },
            ),
            "lead": self._form(f.LeadForm),
            "partners": self._form(f.PartnerFormSet, prefix="partners"),
            "leader": self._form(f.LeaderForm),
            "team": self._form(f.TeamFormSet, prefix="team"),
            "subprojects": self._form(f.SubprojectFormSet, prefix="subprojects"),
            "content": self._form(f.ContentForm),
            "indicators": self._form(f.IndicatorsForm, direction=direction),
            "sources": self._form(f.SourcesForm),
            "budget_years": self._form(
                f.BudgetYearFormSet, prefix="budget", initial=[{} for _ in range(years)]
            ),
            "outcomes": self._form(f.OutcomesForm),
            "exclusions": self._form(f.ExclusionFormSet, prefix="exclusions"),
        }
        if direction.spec.challenge is not None:
            self.forms["challenge"] = self._form(
                f.ChallengeForm, direction=direction, current=self.application.challenge_item
            )
        if not self.bound:
            self.problems = [Problem("basic", "申报书尚未填写。")]
            return
        sections = {"sources": "budget", "budget_years": "budget"}
        for key, form in self.forms.items():
            if not form.is_valid():
                section = sections.get(key, key)
                for message in _messages(form):
                    self.problems.append(Problem(section, message))
        self._budget_problems(unit)

    def _budget_problems(self, unit) -> None:
        sources, years = self.forms["sources"], self.forms["budget_years"]
        if not (sources.is_valid() and years.is_valid()):
            return
        basic = self.forms["basic"]
        duration = basic.cleaned_data.get("duration_years") if basic.is_valid() else None
        if duration and len(years.forms) != duration:
            self.problems.append(
                Problem(
                    "budget", f"经费支出须按实施年限逐年填写：应为{duration}年，现为{len(years.forms)}年。"
                )
            )
        income = sum(sources.cleaned_data.get(k) or 0 for k in ("city", "self_raised", "other"))
        spending = sum(form.total() for form in years.forms)
        if income != spending:
            self.problems.append(
                Problem("budget", f"经费支出合计（{spending:,}元）须等于经费来源合计（{income:,}元）。")
            )

    @property
    def complete(self) -> bool:
        return self.bound and not self.problems

    def cleaned(self, key: str) -> dict:
        form = self.forms[key]
        return form.cleaned_data if form.is_valid() else {}

    def rows(self, key: str) -> list[dict]:
        formset = self.forms[key]
        if not formset.is_valid():
            return []
        return [row for row in formset.cleaned_data if row and not row.get("DELETE")]

    def known_parts(self) -> frozenset[str]:
        """The parts of the eligibility facts whose sections are complete."""
        if not self.bound:
            return frozenset()
        return frozenset(
            part
            for part, keys in PART_FORMS.items()
            if all(key not in self.forms or self.forms[key].is_valid() for key in keys)
        )

    def facts(self, *, submitted_at: datetime | None = None) -> facts.Application | None:
        """The facts the engine checks, or None while the 申报书 is incomplete."""
        if not self.complete:
            return None
        return self._facts(PARTS, submitted_at)

    def _facts(self, known: frozenset[str], submitted_at: datetime | None) -> "facts.Application | None":
        """The facts, with stand-ins (which no check runs on) for the parts not `known`."""
        app = self.application
        basic, lead, leader = self.cleaned("basic"), self.cleaned("lead"), self.cleaned("leader")
        sources, outcomes = self.cleaned("sources"), self.cleaned("outcomes")
        recommender = basic.get("recommender")
        city = load_guide_data(app.guide.slug).city
        partner_units = {u.credit_code: u for u in _partner_units(self.forms["partners"])}
        leader_facts = {k: _plain(v) for k, v in leader.items() if v not in (None, "")}
        if "leader" not in known:
            leader_facts = {"id_type": "other", "id_number": ""}
        data = {
            "id": app.number,
            "direction": app.direction.number,
            "track": basic.get("track") or None,
            "title": basic.get("title", ""),
            "summary": basic.get("summary", ""),
            "submitted_at": (submitted_at or timezone.now()).isoformat(),
            "duration_years": basic.get("duration_years") or app.direction.duration_years,
            "lead": _organization(app.lead_unit, lead, city),
            "partners": [
                _organization(partner_units[row["credit_code"]], row, city) for row in self.rows("partners")
            ],
            "leader": {
                "name": app.leader.full_name or app.leader.username,
                **leader_facts,
                "core_member": True,
            },
            "team": [
                {
                    "name": row["name"],
                    "id_type": row["id_type"],
                    "id_number": row["id_number"],
                    "title": row["title"],
                    "core_member": row["core_member"],
                }
                for row in self.rows("team")
            ],
            "subprojects": max(len(self.rows("subprojects")), 1),
            "funding": {"requested": sources.get("city", 0), "matching": sources.get("self_raised", 0)},
            "outcomes": {k: v for k, v in outcomes.items() if v is not None} or None,
            "attachments": sorted(
                {a.code for a in app.attachments.filter(removed_at=None) if a.code != "other"}
            ),
            "recommended_by": recommender.name if recommender else None,
            "recommended_by_kind": recommender.recommender_kind if recommender else None,
            "challenge": self._challenge_answer(submitted_at) if "challenge" in known else None,
        }
        try:
            return facts.Application.model_validate(data)
        except ValidationError as error:
            if known != PARTS:
                return None
            for e in error.errors():
                self.problems.append(Problem("basic", f"{'.'.join(map(str, e['loc']))}: {e['msg']}"))
            return None

    def _challenge_answer(self, submitted_at: datetime | None) -> dict | None:
        """The 榜单 item answered and the 揭榜方案, with the item's indicators beside the
        commitments of the 考核指标 section."""
        if "challenge" not in self.forms:
            return None
        answer = self.cleaned("challenge")
        item = answer["item"]
        metrics = load_guide_data(self.application.guide.slug).metrics
        committed = self.indicator_commitments()
        return {
            "item": item.code,
            "title": item.title,
            "open": item.is_open(submitted_at or timezone.now()),
            "amount_max": item.amount_max,
            "indicators": [
                {
                    "metric": code,
                    "label": metrics[code].label,
                    "unit": metrics[code].unit,
                    "required": n,
                    "committed": committed.get(code, 0),
                }
                for code, n in in_guide_order(item.targets, metrics)
            ],
            "overall_plan": answer["overall_plan"],
            "technical_route": answer["technical_route"],
        }

    def check(
        self, *, prior_counts=None, records=None, submitted_at: datetime | None = None
    ) -> Result | None:
        application_facts = self.facts(submitted_at=submitted_at)
        if application_facts is None:
            return None
        guide = load_guide_data(self.application.guide.slug)
        return check_application(application_facts, guide, prior_counts=prior_counts, records=records)

    def live_check(self, *, prior_counts=None, records=None) -> LiveCheck:
        """Every check whose facts are complete, for the 申报书 being filled in."""
        if self.complete:
            result = self.check(prior_counts=prior_counts, records=records)
            return LiveCheck(result.findings, [], result) if result is not None else LiveCheck((), [])
        known = self.known_parts()
        guide = load_guide_data(self.application.guide.slug)
        direction = guide.direction(self.application.direction.number)
        pending = [_pending(check) for check in pending_checks(direction, known)]
        partial = self._facts(known, None)
        if partial is None:
            return LiveCheck((), pending)
        result = check_application(partial, guide, prior_counts=prior_counts, records=records, known=known)
        return LiveCheck(result.findings, pending)

    def section_problems(self) -> dict[str, int]:
        """How many problems keep each section from being complete."""
        counts = dict.fromkeys(SECTIONS, 0)
        for problem in self.problems:
            counts[problem.section] += 1
        return counts

    def indicator_commitments(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned("indicators").items() if v}


def _messages(form) -> list[str]:
    messages = []
    if hasattr(form, "forms"):
        messages.extend(str(e) for e in form.non_form_errors())
        for i, sub in enumerate(form.forms, start=1):
            for name, errors in sub.errors.items():
                label = sub.fields[name].label if name in sub.fields else ""
                messages.extend(f"第{i}行{label}：{e}" for e in errors)
        return messages
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        messages.extend(f"{label}：{e}" if label else str(e) for e in errors)
    return messages


def _partner_units(formset) -> list:
    return [form.unit for form in formset.forms if hasattr(form, "unit")]


def _organization(unit, figures: dict, city: str) -> dict:
    return {
        "name": unit.name,
        "credit_code": unit.credit_code,
        "kind": unit.kind,
        # The interchange format's name for “registered in the guide's city”.
        "in_guilin": unit.in_city(city),
        "province": unit.province,
        "county": unit.county,
        "qualifications": list(unit.qualifications),
        **{
            k: figures[k]
            for k in ("rd_expense_last_year", "revenue_last_year", "matching")
            if figures.get(k) is not None
        },
    }


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


@dataclass
class DisplaySection:
    key: str
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    # The form field behind each pair and column: what filters go by, since labels are translated.
    field_names: list[str] = field(default_factory=list)
    column_names: list[str] = field(default_factory=list)
    # What heads each row (第1年 …); numbered 1, 2, … without.
    row_heading: str = "#"
    row_labels: list[str] = field(default_factory=list)
    # A 合计 row under the table, one cell per column.
    totals: list[str] = field(default_factory=list)

    @property
    def labelled_rows(self) -> list[tuple[str, list[str]]]:
        labels = self.row_labels or [str(i) for i in range(1, len(self.rows) + 1)]
        return list(zip(labels, self.rows, strict=True))

    def without(self, names: set[str]) -> "DisplaySection":
        keep = [i for i, n in enumerate(self.field_names) if n not in names]
        keep_columns = [i for i, n in enumerate(self.column_names) if n not in names]
        return DisplaySection(
            self.key,
            self.title,
            fields=[self.fields[i] for i in keep],
            columns=[self.columns[i] for i in keep_columns],
            rows=[[row[i] for i in keep_columns] for row in self.rows],
            field_names=[self.field_names[i] for i in keep],
            column_names=[self.column_names[i] for i in keep_columns],
            row_heading=self.row_heading,
            row_labels=self.row_labels,
            totals=[self.totals[i] for i in keep_columns] if self.totals else [],
        )


def _shown(bound_field) -> str:
    value = bound_field.value()
    if value in (None, "", []):
        return ""
    choices = dict(getattr(bound_field.field, "choices", ()) or ())
    if isinstance(value, list):
        return "、".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if str(value) in {str(k) for k in choices}:
        return str({str(k): v for k, v in choices.items()}[str(value)])
    return str(value)


def attachment_rows(content) -> list[dict]:
    """A submission's attachments (`SubmittedApplication.attachments`) with their labels, for listing."""
    if content is None:
        return []
    return [{**a.model_dump(), "label": f.ATTACHMENT_LABELS.get(a.code, a.code)} for a in content.attachments]


def display_sections(dossier: Dossier) -> list[DisplaySection]:
    """The 申报书 as label/value pairs and tables, for reading, review and printing."""
    sections = []
    simple = [
        ("basic", "基本信息", "basic"),
        ("lead", "牵头单位", "lead"),
        ("leader", "项目负责人", "leader"),
        ("challenge", "揭榜方案", "challenge"),
        ("content", "研究内容", "content"),
        ("indicators", "考核指标（承诺）", "indicators"),
        ("sources", "经费来源（元）", "budget"),
        ("outcomes", "实施成效", "outcomes"),
    ]
    lists = [
        ("partners", "合作单位"),
        ("team", "项目团队"),
        ("subprojects", "课题设置"),
        ("budget_years", "经费支出（元）"),
        ("exclusions", "申请回避的专家"),
    ]
    for key, title, section in simple:
        if key not in dossier.forms:
            continue
        form = dossier.forms[key]
        shown = [(bf.name, bf.label, _shown(bf)) for bf in form]
        shown = [row for row in shown if row[2]]
        if key == "leader":
            leader = dossier.application.leader
            shown.insert(0, ("name", "姓名", leader.full_name or leader.username))
        if key == "sources" and shown:
            total = budget_totals(dossier).income
            shown.append(("total", "合计", str(total)))
        if shown or key in ("basic", "leader"):
            sections.append(
                DisplaySection(
                    section,
                    title,
                    fields=[(label, value) for _n, label, value in shown],
                    field_names=[name for name, _l, _v in shown],
                )
            )
    for key, title in lists:
        formset = dossier.forms[key]
        cells = [bf for bf in formset.empty_form if bf.name != "DELETE"]
        rows = []
        for form in formset.forms:
            if form.is_bound and form.data.get(f"{form.prefix}-DELETE"):
                continue
            rows.append([_shown(bf) for bf in form if bf.name != "DELETE"])
        if not rows:
            continue
        section = DisplaySection(
            key, title, columns=[bf.label for bf in cells], rows=rows, column_names=[bf.name for bf in cells]
        )
        if key == "budget_years":
            sections.append(_budget_section(section, budget_totals(dossier)))
        else:
            sections.append(section)
    return sections


def _budget_section(section: DisplaySection, totals: "BudgetTotals") -> DisplaySection:
    """经费支出 by year, as the printed form has it: 第N年 rows, a 合计 column and row."""
    section.row_heading = "年度"
    section.row_labels = [f"第{n}年" for n in range(1, len(section.rows) + 1)]
    section.columns = [*section.columns, "合计"]
    section.column_names = [*section.column_names, "total"]
    section.rows = [[*row, str(total)] for row, total in zip(section.rows, totals.years, strict=True)]
    section.totals = [*(str(totals.items[name]) for name in BUDGET_ITEMS), str(totals.spending)]
    return section


BUDGET_ITEMS = ("equipment", "business", "labor", "indirect")
SOURCE_ITEMS = ("city", "self_raised", "other")


def _amount(text) -> int:
    """A typed amount in 元 as far as it reads as one: what is not a whole number counts 0."""
    text = str(text or "").strip().replace(",", "")
    return int(text) if text.isdigit() else 0


@dataclass(frozen=True)
class BudgetTotals:
    """经费预算 totals: per year (row), per item (column), spending and income overall."""

    years: list[int]
    items: dict[str, int]
    spending: int
    sources: dict[str, int]
    income: int

    @property
    def balanced(self) -> bool:
        return self.spending == self.income

    # Grouped as the page's script groups them while typing (12,345).
    @property
    def years_shown(self) -> list[str]:
        return [f"{n:,}" for n in self.years]

    @property
    def items_shown(self) -> dict[str, str]:
        return {k: f"{n:,}" for k, n in self.items.items()}

    @property
    def spending_shown(self) -> str:
        return f"{self.spending:,}"

    @property
    def income_shown(self) -> str:
        return f"{self.income:,}"


def budget_totals(dossier: Dossier) -> BudgetTotals:
    """The totals of the budget as typed, for the edit page (JS keeps them current) and print."""
    years_formset = dossier.forms["budget_years"]
    rows = [{item: _amount(form[item].value()) for item in BUDGET_ITEMS} for form in years_formset.forms]
    items = {item: sum(row[item] for row in rows) for item in BUDGET_ITEMS}
    sources_form = dossier.forms["sources"]
    sources = {item: _amount(sources_form[item].value()) for item in SOURCE_ITEMS}
    return BudgetTotals(
        years=[sum(row.values()) for row in rows],
        items=items,
        spending=sum(items.values()),
        sources=sources,
        income=sum(sources.values()),
    )
