"""The shapes the API answers with and accepts, as they appear in /api/v1/openapi.json."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class Problem(Schema):
    where: str = Field("", description="字段路径或申报书中的栏目")
    message: str


class Finding(Schema):
    rule: str
    severity: str = Field(description="error 阻止申报；warning 只作提醒")
    message: str
    clause: str = Field(description="所执行的指南条款，如“方向25 申报要求1”")


class Error(Schema):
    """Every refusal: a stable code for programs and the same Chinese message the web page shows."""

    code: str
    message: str
    problems: list[Problem] = []
    findings: list[Finding] = []


class CheckResult(Schema):
    id: str
    verdict: str
    fundable_max: int
    findings: list[Finding]


class GuideOut(Schema):
    slug: str
    title: str
    year: int
    opens_at: datetime | None
    closes_at: datetime | None
    data_sha256: str


class DirectionOut(Schema):
    number: int
    title: str
    programme: str
    category: str
    section: str
    duration_years: int
    funding_mode: str
    quota_kind: str
    quota_count: int | None
    amount_kind: str
    amount_max: int | None
    novelty_exempt: bool
    accepts_applications: bool


class DirectionDetail(DirectionOut):
    research_scope: str
    indicators: str
    requirements: str
    rules: list[dict[str, Any]]


class GuideDetail(GuideOut):
    directions: list[DirectionOut]


class UnitRef(Schema):
    name: str
    credit_code: str


class VersionOut(Schema):
    number: int
    sha256: str
    submitted_at: datetime


class AttachmentOut(Schema):
    id: int
    code: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ApplicationOut(Schema):
    id: int
    number: str
    guide: str
    direction: int
    direction_title: str
    title: str
    status: str
    status_label: str
    lead_unit: UnitRef
    leader: str
    recommender: str | None
    version: int
    first_submitted_at: datetime | None
    updated_at: datetime
    actions: list[str] = Field(description="当前调用者可以办理的操作")


class ApplicationPage(Schema):
    results: list[ApplicationOut]
    next: str | None = Field(description="下一页的 cursor；没有下一页时为 null")


class ApplicationDetail(ApplicationOut):
    editable: bool
    problems: list[Problem] = Field(description="草稿尚未填写完整之处（只有能修改的人看到）")
    findings: list[Finding] = Field(description="草稿的实时资格检查结果（只有能修改的人看到）")
    latest_version: VersionOut | None
    attachments: list[AttachmentOut]
    facts: dict[str, Any] | None = Field(
        description="按申报数据交换格式 v1 读出的申报内容：已提交的取最近一版，草稿填写完整时取草稿"
    )


class BudgetYear(Schema):
    equipment: int = Field(0, ge=0, le=10**12)
    business: int = Field(0, ge=0, le=10**12)
    labor: int = Field(0, ge=0, le=10**12)
    indirect: int = Field(0, ge=0, le=10**12)


class DraftIn(Schema):
    """One application in the 申报数据交换格式 v1, with what the format does not carry."""

    application: dict[str, Any] = Field(
        description="申报数据交换格式 v1 的一个申报对象（id、submitted_at 可省略：提交时间以实际提交为准）"
    )
    start_date: date | None = None
    end_date: date | None = None
    keywords: str = Field("", max_length=200)
    technical_route: str = Field("", max_length=20000)
    basis: str = Field("", max_length=20000)
    budget: list[BudgetYear] = Field([], max_length=10, description="逐年经费支出，年数等于实施年限")
    indicator_targets: dict[str, int] = Field({}, description="考核指标承诺值：指标代码 → 数量")


class DraftCreate(DraftIn):
    guide: str = Field("guilin-2022", max_length=50, description="申报指南标识")


class SubmitOut(Schema):
    application: ApplicationOut
    version: VersionOut
