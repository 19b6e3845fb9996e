"""The 申报书 as Django forms, one per section, bound to what the applicant typed.

`Application.form` stores the raw posted fields (key → list of strings) and every view binds
these forms to it, so a draft with mistakes reopens exactly as it was left.
"""

from django import forms
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Unit, UnitStatus
from stplan.accounts.selectors import recommender_refusal, recommenders_for
from stplan.challenges.models import ChallengeItem, ItemStatus
from stplan.eligibility import labels
from stplan.eligibility.guide import load_guide_data
from stplan.guides.models import Direction
from stplan.taxonomy.models import FieldOfStudy

ID_TYPES = [("resident_id", "居民身份证"), ("passport", "护照"), ("other", "其他证件")]
TITLES = [
    ("senior", "正高级"),
    ("associate_senior", "副高级"),
    ("intermediate", "中级"),
    ("junior", "初级"),
    ("none", "无"),
]
FOREIGN_EXPERT_CLASSES = [("", "—"), ("A", "A类"), ("B", "B类"), ("C", "C类")]
MAX_ROWS = 50
ATTACHMENT_LABELS = {**labels.ATTACHMENTS, "other": "其他附件"}


def _yuan(label, required=False, help_text=""):
    return forms.IntegerField(
        label=label, required=required, min_value=0, help_text=help_text or _("单位：元，填整数")
    )


def raw_data(stored: dict) -> MultiValueDict:
    return MultiValueDict({k: list(v) for k, v in stored.items()})


class BasicForm(forms.Form):
    prefix = "basic"
    title = forms.CharField(label=_("项目名称"), max_length=200)
    track = forms.ChoiceField(label=_("子类"), required=False)
    duration_years = forms.IntegerField(label=_("实施年限（年）"), min_value=1, max_value=10)
    start_date = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    keywords = forms.CharField(
        label=_("关键词"), max_length=200, required=False, help_text=_("3-5个，用逗号分隔")
    )
    summary = forms.CharField(label=_("项目摘要"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    recommender = forms.ModelChoiceField(label=_("推荐单位"), queryset=Unit.objects.none(), required=False)
    field_of_study = forms.ModelChoiceField(
        label=_("项目所属学科"),
        queryset=FieldOfStudy.objects.none(),
        required=False,
        help_text=_("用于匹配评审专家"),
    )

    def __init__(self, *args, direction: Direction, lead_unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_unit = lead_unit
        tracks = direction.spec.tracks
        self.fields["track"].choices = [("", "—"), *((code, t.label) for code, t in tracks.items())]
        self.fields["track"].required = direction.spec.track_required
        if not tracks:
            del self.fields["track"]
        # Only the recommenders the unit may choose, and the one a draft names already so
        # that a draft saved before its unit moved county says why that choice is refused.
        chosen = Unit.objects.filter(pk=self.initial.get("recommender") or None)
        allowed = recommenders_for(unit=lead_unit) | chosen.exclude(recommender_kind="")
        self.fields["recommender"].queryset = allowed.order_by("recommender_kind", "name")
        self.fields["recommender"].label_from_instance = lambda u: (
            f"{u.name}（{u.get_recommender_kind_display()}）"
        )
        self.fields["field_of_study"].queryset = FieldOfStudy.objects.filter(
            parent__isnull=False
        ).select_related("parent")

    def clean_recommender(self):
        recommender = self.cleaned_data["recommender"]
        if refusal := recommender_refusal(unit=self.lead_unit, recommender=recommender):
            raise forms.ValidationError(refusal)
        return recommender

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] <= data["start_date"]:
            self.add_error("end_date", _("完成日期须晚于起始日期"))
        return data


class LeadForm(forms.Form):
    prefix = "lead"
    rd_expense_last_year = _yuan(_("上年度研发经费投入"))
    revenue_last_year = _yuan(_("上年度营业收入"))
    matching = _yuan(_("本单位自筹匹配经费"), help_text=_("单位：元。合作单位的匹配经费填在各合作单位行"))


class PartnerForm(forms.Form):
    credit_code = forms.CharField(label=_("合作单位统一社会信用代码"), max_length=18)
    matching = _yuan(_("该单位匹配经费"))

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        unit = Unit.objects.filter(credit_code=code, status=UnitStatus.APPROVED).first()
        if unit is None:
            raise forms.ValidationError(
                _("系统中没有以该代码注册并通过审核的单位，请核对，或请该单位先注册。")
            )
        self.unit = unit
        return code


class LeaderForm(forms.Form):
    prefix = "leader"
    id_type = forms.ChoiceField(label=_("证件类型"), choices=ID_TYPES)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("证件不是居民身份证时必填"),
    )
    degree = forms.ChoiceField(label=_("学位"), choices=list(labels.DEGREES.items()))
    discipline = forms.ChoiceField(label=_("学科领域"), choices=list(labels.DISCIPLINES.items()))
    title = forms.ChoiceField(label=_("职称"), choices=TITLES)
    arrived_in_guilin_on = forms.DateField(
        label=_("到桂林工作日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    talent_category = forms.IntegerField(
        label=_("人才类别（第几类）"), required=False, min_value=1, max_value=9
    )
    foreign_expert_class = forms.ChoiceField(
        label=_("外国专家类别"), choices=FOREIGN_EXPERT_CLASSES, required=False
    )

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=ID_TYPES)
    id_number = forms.CharField(label=_("证件号码"), max_length=40)
    title = forms.ChoiceField(label=_("职称"), choices=TITLES)
    unit_name = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    role = forms.CharField(label=_("项目分工"), max_length=100, required=False)
    core_member = forms.BooleanField(label=_("核心成员"), required=False)

    def clean_id_number(self):
        return self.cleaned_data["id_number"].strip().upper()


class SubprojectForm(forms.Form):
    title = forms.CharField(label=_("课题名称"), max_length=200)
    unit_name = forms.CharField(label=_("承担单位"), max_length=200)
    leader_name = forms.CharField(label=_("课题负责人"), max_length=50)


class ContentForm(forms.Form):
    prefix = "content"
    research_content = forms.CharField(label=_("主要研究内容"), widget=forms.Textarea(attrs={"rows": 6}))
    technical_route = forms.CharField(
        label=_("技术路线与创新点"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    basis = forms.CharField(
        label=_("研究基础与条件"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ChallengeForm(forms.Form):
    """揭榜方案: the 榜单 item answered and the 首席专家's plan for it; the 具体考核指标 are
    the 考核指标 section's, checked against the item's."""

    prefix = "challenge"
    item = forms.ModelChoiceField(label=_("所揭榜单项目"), queryset=ChallengeItem.objects.none())
    overall_plan = forms.CharField(
        label=_("整体研究方案"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    technical_route = forms.CharField(
        label=_("技术路线"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )

    def __init__(self, *args, direction: Direction, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = ChallengeItem.objects.filter(direction=direction, status=ItemStatus.PUBLISHED)
        if current is not None:
            items = items | ChallengeItem.objects.filter(pk=current.pk)
        self.fields["item"].queryset = items.order_by("code")
        self.fields["item"].label_from_instance = lambda item: (
            f"{item.code} {item.title}（资助上限{item.amount_max:,}元，揭榜截止{timezone.localtime(item.closes_at):%Y-%m-%d %H:%M}）"
        )


class IndicatorsForm(forms.Form):
    """考核指标 the project commits to: one number per metric the guide defines."""

    prefix = "indicators"

    def __init__(self, *args, direction: Direction, **kwargs):
        super().__init__(*args, **kwargs)
        metrics = load_guide_data(direction.guide.slug).metrics
        targets = {t.metric: t for t in direction.spec.targets}
        for code, metric in metrics.items():
            target = targets.get(code)
            self.fields[code] = forms.IntegerField(
                label=f"{metric.label}（{metric.unit}）",
                required=False,
                min_value=0,
                initial=target.min if target else None,
                help_text=_("指南要求不少于 %(n)s") % {"n": target.min} if target else "",
            )
        # The 方向's own indicators first, then the rest the applicant may add.
        self.order_fields([*targets, *(c for c in metrics if c not in targets)])
        self.guide_metrics = set(targets)
        self.other_filled = self.is_bound and any(
            self.data.get(self.add_prefix(code)) for code in metrics if code not in targets
        )


class SourcesForm(forms.Form):
    prefix = "sources"
    city = _yuan(_("申请市财政资助"), required=True)
    self_raised = _yuan(_("单位自筹匹配"), required=True)
    other = _yuan(_("其他来源"))


class BudgetYearForm(forms.Form):
    equipment = _yuan(_("设备费"))
    business = _yuan(_("业务费"))
    labor = _yuan(_("劳务费"))
    indirect = _yuan(_("间接费用"))

    def total(self) -> int:
        return sum(self.cleaned_data.get(k) or 0 for k in ("equipment", "business", "labor", "indirect"))


class OutcomesForm(forms.Form):
    """Figures the 先实施后补助 and sales-based 方向 need."""

    prefix = "outcomes"
    new_benefit = _yuan(_("新增经济效益（经审计）"))
    budget_executed = _yuan(_("项目已执行预算"))
    product_annual_sales = _yuan(_("单品种年销售额"))


class ExclusionForm(forms.Form):
    """An expert the applicant asks to keep away from the application (申请回避)."""

    name = forms.CharField(label=_("专家姓名"), max_length=50)
    unit_name = forms.CharField(label=_("专家工作单位"), max_length=200)
    reason = forms.CharField(label=_("回避理由"), max_length=500)


MAX_EXCLUSIONS = 3

MAX_BUDGET_YEARS = 10


def _list(form, most: int, **options):
    # absolute_max: a tampered TOTAL_FORMS must not make every later page build 1000 rows.
    return forms.formset_factory(form, extra=0, max_num=most, absolute_max=most, validate_max=True, **options)


PartnerFormSet = _list(PartnerForm, MAX_ROWS, can_delete=True)
TeamFormSet = _list(TeamMemberForm, MAX_ROWS, can_delete=True)
SubprojectFormSet = _list(SubprojectForm, MAX_ROWS, can_delete=True)
BudgetYearFormSet = _list(BudgetYearForm, MAX_BUDGET_YEARS)
ExclusionFormSet = _list(ExclusionForm, MAX_EXCLUSIONS, can_delete=True)
LIST_LIMITS = {
    "partners": MAX_ROWS,
    "team": MAX_ROWS,
    "subprojects": MAX_ROWS,
    "budget": MAX_BUDGET_YEARS,
    "exclusions": MAX_EXCLUSIONS,
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files at once, each checked on its own by `stplan.uploads` when it is saved."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data] or [one(None, initial)]
        return [one(data, initial)]


class AttachmentUploadForm(forms.Form):
    code = forms.ChoiceField(label=_("附件类型"))
    # Empty files reach the upload check, which names the file in its refusal.
    file = MultipleFileField(
        label=_("文件"), help_text=_("PDF、JPG 或 PNG，可一次选择多个文件"), allow_empty_file=True
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = choices


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class DeskBulkForm(forms.Form):
    """Several applications of the 形审 desk, one decision and one reason for all of them."""

    applications = forms.ModelMultipleChoiceField(
        label=_("申报书"),
        queryset=None,
        error_messages={
            "required": _("请先勾选要办理的申报书。"),
            "invalid_choice": _("所选申报书已不在您的审查列表中，请刷新页面。"),
            "invalid_pk_value": _("所选申报书已不在您的审查列表中，请刷新页面。"),
        },
    )
    decision = forms.ChoiceField(
        label=_("审查结论"),
        choices=[("formal_pass", _("形审通过")), ("formal_return", _("退回修改"))],
        error_messages={"required": _("请选择审查结论。"), "invalid_choice": _("请选择审查结论。")},
    )
    reason = forms.CharField(
        label=_("意见（退回修改时必填）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, applications, **kwargs):
        kwargs.setdefault("auto_id", "bulk-%s")
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = applications
