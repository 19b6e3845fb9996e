"""The forms of a project page and of the award page: one per action, bound to what was
posted so a refused one is shown again with what the person typed."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stplan.projects.models import ChangeKind
from stplan.projects.services import EVIDENCE_PURPOSES

TEXT = {"rows": 3}
SHORT_TEXT = {"rows": 2}
LARGEST = 10**10


def _amount(label, **kwargs):
    return forms.IntegerField(label=label, min_value=0, max_value=LARGEST, **kwargs)


class ProjectForm(forms.Form):
    """Ids stay unique on a page holding many forms: each form kind has its own id prefix,
    the posted names stay plain."""

    id_prefix = "f"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class IndicatorForm(ProjectForm):
    """A form with one number per 考核指标 of the 任务书, posted as `<prefix>-<metric>`."""

    indicator_prefix = ""

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for row in indicators:
            self.fields[f"{self.indicator_prefix}-{row['metric']}"] = _amount(
                f"{row['label']}（{_('承诺')} {row['committed']}）", initial=0, required=False
            )

    def indicator_fields(self):
        return [self[f"{self.indicator_prefix}-{row['metric']}"] for row in self.indicators]

    def indicator_values(self) -> dict[str, int]:
        data = self.cleaned_data
        return {
            row["metric"]: data[f"{self.indicator_prefix}-{row['metric']}"] or 0 for row in self.indicators
        }


class EmptyForm(ProjectForm):
    """A step that asks nothing but the click (the 任务书's steps)."""


class PaymentForm(ProjectForm):
    id_prefix = "pay"
    paid_on = forms.DateField(label=_("拨付日期"), widget=forms.DateInput(attrs={"type": "date"}))
    voucher = forms.CharField(label=_("凭证号"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class VerifyForm(ProjectForm):
    id_prefix = "verify"
    new_benefit = _amount(_("核验的新增经济效益（元）"))
    budget_executed = _amount(_("已执行预算（元）"))


class ReportForm(IndicatorForm):
    id_prefix = "report"
    indicator_prefix = "progress"
    year = forms.IntegerField(label=_("项目年度"), min_value=1, max_value=100)
    narrative = forms.CharField(
        label=_("工作进展"), widget=forms.Textarea(attrs=TEXT), max_length=10_000, required=False
    )
    spent = _amount(_("累计支出（元）"), initial=0)
    field_order = ["year"]


class NoteForm(ProjectForm):
    """The 审核/审批意见 of a report or change decision."""

    note = forms.CharField(label=_("意见"), max_length=1000, required=False)


class ChangeForm(ProjectForm):
    id_prefix = "change"
    kind = forms.ChoiceField(label=_("变更类型"), choices=ChangeKind.choices)
    ends_on = forms.CharField(
        label=_("延期后的结束日期（延期时填）"),
        widget=forms.DateInput(attrs={"type": "date"}),
        max_length=10,
        required=False,
    )
    new_leader = forms.ChoiceField(label=_("新负责人（负责人变更时选）"), required=False)
    description = forms.CharField(
        label=_("调整内容（预算调整时填）"),
        widget=forms.Textarea(attrs=SHORT_TEXT),
        max_length=2000,
        required=False,
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs=SHORT_TEXT), max_length=2000, required=False
    )

    def __init__(self, *args, unit_leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_leader"].choices = [("", "—"), *((u.username, str(u)) for u in unit_leaders)]

    def details(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == "extension":
            return {"ends_on": data["ends_on"]}
        if data["kind"] == "leader":
            return {"username": data["new_leader"]}
        return {"description": data["description"]}


class AcceptanceForm(IndicatorForm):
    id_prefix = "acceptance"
    indicator_prefix = "achieved"
    total_investment = _amount(_("项目总投入（元）"), initial=0)
    new_output = _amount(_("新增产值（元）"), initial=0)
    summary = forms.CharField(
        label=_("验收总结"), widget=forms.Textarea(attrs=TEXT), max_length=10_000, required=False
    )


class AcceptanceDecisionForm(ProjectForm):
    id_prefix = "decision"
    decision = forms.ChoiceField(
        label=_("验收结论"),
        choices=[("passed", _("通过")), ("closed", _("结题")), ("failed", _("不通过"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由（结题、不通过时必填）"),
        widget=forms.Textarea(attrs=SHORT_TEXT),
        max_length=2000,
        required=False,
    )


PURPOSE_REFUSED = _("请选择验收佐证或年度报告佐证。")


class EvidenceForm(ProjectForm):
    id_prefix = "evidence"
    purpose = forms.ChoiceField(
        label=_("用途"),
        choices=list(zip(EVIDENCE_PURPOSES, (_("验收佐证"), _("年度报告佐证")), strict=True)),
        error_messages={"required": PURPOSE_REFUSED, "invalid_choice": PURPOSE_REFUSED},
    )
    file = forms.FileField(label=_("文件"), error_messages={"required": _("请选择要上传的文件。")})


class TerminateForm(ProjectForm):
    id_prefix = "terminate"
    reason = forms.CharField(
        label=_("终止理由"), widget=forms.Textarea(attrs=SHORT_TEXT), max_length=2000, required=False
    )


class AllowEarlyForm(ProjectForm):
    id_prefix = "early"
    what = forms.ChoiceField(label=_("事项"))
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs=SHORT_TEXT), max_length=2000, required=False
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = list(items.items())


class AwardForm(ProjectForm):
    id_prefix = "award"
    county = forms.CharField(label=_("县（市、区）"), required=False)
    year = forms.IntegerField(label=_("年度"), initial=2022, min_value=0, max_value=10_000)
    amount = _amount(_("奖励（元）"), initial=300_000)
    county_match = _amount(_("县级配套（元）"), initial=100_000)
    proof = forms.CharField(label=_("自治区级资金到位证明（文号）"), required=False)


class RevokeAwardForm(ProjectForm):
    id_prefix = "revoke"
    reason = forms.CharField(label=_("撤销理由"), max_length=1000, required=False)
