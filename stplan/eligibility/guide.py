"""A 申报指南 as data: the shape of `stplan/eligibility/data/<slug>.yaml`, read without a database.

The eligibility engine and `stplan check` read the file directly through `load_guide_data`,
so a fresh install can check applications before any database exists; the web app copies
the same file into its tables (`stplan.guides.services.load_guide`).
"""

import re
from datetime import datetime
from functools import cache, cached_property
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError, model_validator

from stplan.eligibility.labels import yuan
from stplan.eligibility.rules import AnyRule

FundingMode = Literal["upfront", "yearly_tranches", "post_subsidy", "mixed", "award"]


class GuideDataError(Exception):
    """The guide's data file is missing or does not match the schema."""


class Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(Data):
    programme: str
    name: str
    max_projects: int | None


class Quota(Data):
    """拟立项数: `exact` (N项), `at_most` (不超过N项), `unlimited` (不限项), `unstated`
    (the guide gives none; the category's cap still binds) or `per_track` (方向39)."""

    kind: Literal["exact", "at_most", "unlimited", "unstated", "per_track"]
    count: int | None = None


class Amount(Data):
    """资助金额 per project, in 元."""

    kind: Literal["cap", "range", "fixed", "per_track", "post_subsidy", "award"]
    min: int | None = None
    max: int | None = None
    amount: int | None = None
    # 先实施后补助 (方向27): `base` at `threshold` new benefit, `increment` per further `step`.
    threshold: int | None = None
    base: int | None = None
    step: int | None = None
    increment: int | None = None
    max_share_of_executed_percent: int | None = None
    county_match: int | None = None

    def post_subsidy(self, *, new_benefit: int, budget_executed: int) -> int:
        """The subsidy the formula gives; 0 below the threshold."""
        if new_benefit < self.threshold:
            return 0
        formula = self.base + (new_benefit - self.threshold) // self.step * self.increment
        return min(formula, self.max, budget_executed * self.max_share_of_executed_percent // 100)


class Track(Data):
    label: str
    quota: int | None = None
    amount_max: int | None = None


class Target(Data):
    """A numeric 考核指标; targets sharing an `alternative` letter are one of several options."""

    metric: str
    min: int
    max: int | None = None
    track: str | None = None
    alternative: str | None = None


class Metric(Data):
    label: str
    unit: str


class Schedule(Data):
    """When a project's 年度报告 and 验收 may be filed, against the dates of its 任务书."""

    # From how many days before the end of a project year (or of the project) on.
    lead_days: StrictInt = Field(ge=0, le=366)
    interpretation: str | None = None


class Payments(Data):
    """How a project's 市财政资助 is paid out, in whole percent of the funded amount."""

    # 分年拨付: years of the project → the part paid on signing, then after each year's report.
    yearly_splits: dict[int, tuple[StrictInt, ...]]
    # 前资助与后补助结合: the part paid on signing and the part paid after 验收.
    mixed_split: tuple[StrictInt, ...]
    interpretation: str | None = None

    @model_validator(mode="after")
    def _splits(self) -> "Payments":
        checks = [("payments.mixed_split", 2, self.mixed_split)]
        for years, split in self.yearly_splits.items():
            if years < 1:
                raise ValueError(f"payments.yearly_splits 的年数须为正整数，现为{years}")
            checks.append((f"payments.yearly_splits 中{years}年", years, split))
        for what, parts, split in checks:
            if len(split) != parts:
                raise ValueError(f"{what}的拨付比例应为{parts}个数，现为{len(split)}个")
            if any(p <= 0 for p in split):
                raise ValueError(f"{what}的拨付比例须为正整数，现为{list(split)}")
            if sum(split) != 100:
                raise ValueError(f"{what}的拨付比例之和须为100，现为{sum(split)}（{list(split)}）")
        return self


class CallBatch(Data):
    """One 申报批次 of the call: which 方向 it takes and when. The dates here are only where a
    new installation starts; the bureau sets the real ones in the admin (guides.CallBatch)."""

    code: str = Field(pattern=r"^[a-z0-9_-]{1,30}$")
    name: str
    # The 方向 this batch takes; empty: every 方向 that no other batch of the file names.
    directions: tuple[int, ...] = ()
    # 常年受理: open without a closing date, funded batch by batch.
    year_round: bool = False
    opens: datetime | None = None
    closes: datetime | None = None


class Call(Data):
    batches: tuple[CallBatch, ...]
    interpretation: str | None = None

    @model_validator(mode="after")
    def _batches(self) -> "Call":
        codes = [b.code for b in self.batches]
        if len(set(codes)) != len(codes):
            raise ValueError("call.batches 的 code 重复")
        for b in self.batches:
            if b.opens and b.closes and b.closes <= b.opens:
                raise ValueError(f"申报批次“{b.name}”的截止时间须晚于开始时间")
        return self


class AttachmentTemplate(Data):
    """A 必备附件 the guide asks applicants to sign, with the text of a blank to download; the
    bureau may upload its own file instead (guides.AttachmentTemplateFile)."""

    code: str
    title: str
    # The 方向 it is asked of besides those whose attachments rule names the code.
    directions: tuple[int, ...] = ()
    body: str


class Challenge(Data):
    """揭榜挂帅: the 方向's 榜单 is made from enterprises' technology needs after 专家论证, and
    every application answers one 榜单 item under its 首席专家 and signs a 军令状."""

    # Where the guide says the 榜单 is published separately (cited by findings about the item).
    list_clause: str
    # Where the guide sets 首席专家负责制, the 揭榜方案 and the 军令状.
    leader_clause: str
    # The 优势产业 whose enterprises are asked for needs; None: the bureau names it with the call.
    industry: str | None = None
    # Winners per 榜单 item unless the bureau sets another number on the item.
    winners_per_item: StrictInt = Field(default=1, ge=1)
    # What the 军令状 names as the consequences of missing the item's indicators.
    consequences: tuple[str, ...]
    interpretation: str | None = None


class Counties(Data):
    """The 县（市、区） of the guide's city, which units register in."""

    names: tuple[str, ...]
    # Whether units registered outside the city may register at all (they have no county).
    outside_city: bool = False
    interpretation: str | None = None


class Recommendation(Data):
    """Which 推荐单位 may recommend which units."""

    # Recommender kinds that recommend only units of their own 县（市、区）.
    county_bound_kinds: tuple[str, ...] = ()
    # The clause this rests on and its words, cited when a recommender of another county is refused.
    clause: str
    quote: str
    interpretation: str | None = None


class Direction(Data):
    number: int
    title: str
    # The guide's city, which every 方向 inherits (rules name it in their messages).
    city: str
    programme: str
    category: str
    section: str
    section_role: Literal["统筹", "管理"]
    research_scope: str
    indicators: str
    targets: tuple[Target, ...] = ()
    duration_years: int
    funding_mode: FundingMode
    quota: Quota
    amount: Amount
    novelty_exempt: bool
    requirements: str
    rules: tuple[AnyRule, ...] = ()
    tracks: dict[str, Track] = Field(default_factory=dict)
    track_required: bool = False
    # Where the guide defines the 子类, cited by findings about them.
    track_clause: str = "申报要求"
    # The funding line this 方向 pays from, named alike in every year's guide, so that repeat
    # funding is recognised across years (not_funded_before); None: the 方向 by its title.
    policy: str | None = None
    challenge: Challenge | None = None

    @property
    def funding_line(self) -> str:
        return self.policy or self.title

    @property
    def accepts_applications(self) -> bool:
        return not any(rule.kind == "closed" for rule in self.rules)

    @property
    def quota_count(self) -> int | None:
        if self.quota.kind == "per_track":
            return sum(t.quota for t in self.tracks.values())
        return self.quota.count

    @property
    def quota_label(self) -> str:
        kind, count = self.quota.kind, self.quota_count
        if kind == "per_track":
            return "；".join(f"{t.label}不超过{t.quota}项" for t in self.tracks.values())
        return {"unlimited": "不限项", "unstated": "未单列（受类别总数约束）", "exact": f"{count}项"}.get(
            kind, f"不超过{count}项"
        )

    @property
    def amount_label(self) -> str:
        a = self.amount
        if a.kind == "per_track":
            return "；".join(f"{t.label}不超过{yuan(t.amount_max)}" for t in self.tracks.values())
        if a.kind == "range":
            return f"{yuan(a.min)}至{yuan(a.max)}"
        if a.kind == "fixed":
            return f"每项{yuan(a.amount)}"
        if a.kind == "post_subsidy":
            return f"按新增经济效益后补助，最高{yuan(a.max)}"
        if a.kind == "award":
            return f"每年奖励{yuan(a.amount)}"
        return f"不超过{yuan(a.max)}"

    @property
    def amount_max(self) -> int | None:
        amount = self.amount
        if amount.kind == "per_track":
            return max(t.amount_max for t in self.tracks.values())
        if amount.kind in ("fixed", "award"):
            return amount.amount
        return amount.max


class Guide(Data):
    slug: str
    title: str
    year: int
    timezone: str
    # Who issues the guide and what its programme is called, as the printed forms say it.
    issuer: str
    programme_name: str
    # Where applicants must be registered to count as local (lead_in_guilin and the like).
    city: str
    counties: Counties | None = None
    recommendation: Recommendation | None = None
    payments: Payments
    schedule: Schedule
    programmes: tuple[str, ...]
    categories: tuple[Category, ...]
    metrics: dict[str, Metric]
    directions: tuple[Direction, ...]
    call: Call = Call(batches=(CallBatch(code="main", name="申报"),))
    attachment_templates: tuple[AttachmentTemplate, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _directions_inherit_city(cls, data):
        if isinstance(data, dict) and "city" in data:
            directions = data.get("directions") or ()
            data = {
                **data,
                "directions": [{"city": data["city"], **d} if isinstance(d, dict) else d for d in directions],
            }
        return data

    @model_validator(mode="after")
    def _consistent(self) -> "Guide":
        numbers = [d.number for d in self.directions]
        if len(set(numbers)) != len(numbers):
            raise ValueError("方向编号重复")
        categories = {(c.programme, c.name) for c in self.categories}
        for d in self.directions:
            if (d.programme, d.category) not in categories:
                raise ValueError(f"方向{d.number}的类别“{d.programme}/{d.category}”未在 categories 中列出")
            for target in d.targets:
                if target.metric not in self.metrics:
                    raise ValueError(f"方向{d.number}的考核指标 {target.metric} 未在 metrics 中定义")
            if d.city != self.city:
                raise ValueError(f"方向{d.number}的城市“{d.city}”与指南的城市“{self.city}”不一致")
            if d.funding_mode == "yearly_tranches" and d.duration_years not in self.payments.yearly_splits:
                raise ValueError(
                    f"方向{d.number}分年拨付、实施年限{d.duration_years}年，"
                    f"payments.yearly_splits 中没有{d.duration_years}年的拨付比例"
                )
        for batch in self.call.batches:
            if unknown := [n for n in batch.directions if n not in numbers]:
                raise ValueError(f"申报批次“{batch.name}”列出的方向{unknown}不在 directions 中")
        return self

    def attachment_templates_of(self, direction: Direction) -> list[AttachmentTemplate]:
        """The templates of the 必备附件 this 方向 asks for, in the file's order."""
        asked = {code for rule in direction.rules if rule.kind == "attachments" for code in rule.codes}
        return [t for t in self.attachment_templates if t.code in asked or direction.number in t.directions]

    def direction(self, number: int) -> Direction | None:
        return self._by_number.get(number)

    @cached_property
    def _by_number(self) -> dict[int, Direction]:
        return {d.number: d for d in self.directions}

    def category(self, direction: Direction) -> Category:
        return next(
            c for c in self.categories if (c.programme, c.name) == (direction.programme, direction.category)
        )


def _data_folder() -> Traversable:
    return resources.files("stplan.eligibility") / "data"


def available_guides() -> list[str]:
    return sorted(p.name.removesuffix(".yaml") for p in _data_folder().iterdir() if p.name.endswith(".yaml"))


def guide_file(slug: str) -> Traversable:
    """The guide's data file, whether or not it exists."""
    return _data_folder() / f"{slug}.yaml"


# A guide's name is a slug (as Guide.slug in the database): anything else names no file, and
# a name past the file system's limit would make the lookup itself fail.
GUIDE_SLUG = re.compile(r"[A-Za-z0-9_-]{1,50}")


@cache
def load_guide_data(slug: str) -> Guide:
    path = guide_file(slug) if GUIDE_SLUG.fullmatch(slug) else None
    if path is None or not path.is_file():
        known = "、".join(available_guides()) or "无"
        raise GuideDataError(f"没有名为 {slug} 的申报指南（现有：{known}）")
    try:
        return Guide.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (yaml.YAMLError, ValidationError) as exc:
        raise GuideDataError(f"申报指南 {slug} 的数据文件有误：{exc}") from exc


def guide_text(slug: str) -> str:
    """The guide's own words as published (`<slug>.txt` beside the data), or "" when not kept."""
    path = _data_folder() / f"{slug}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
