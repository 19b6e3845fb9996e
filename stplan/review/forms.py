from django import forms
from django.utils.translation import gettext_lazy as _

from stplan.guides.models import Direction
from stplan.review.models import ConflictKind, Expert, Recommendation, ReviewRound
from stplan.taxonomy.models import FieldOfStudy


class ExpertForm(forms.ModelForm):
    username = forms.CharField(label=_("登录用户名"), max_length=40, required=False)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("邮箱"))
    phone = forms.CharField(label=_("手机号码"), max_length=30, required=False)
    fields = forms.ModelMultipleChoiceField(
        label=_("学科领域"),
        queryset=FieldOfStudy.objects.filter(parent__isnull=False).select_related("parent"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Expert
        fields = [
            "unit_name",
            "unit_credit_code",
            "county",
            "title",
            "id_number",
            "fields",
            "keywords",
            "profile",
            "past_work",
            "available",
            "load_cap",
            "enabled",
        ]
        widgets = {
            "profile": forms.Textarea(attrs={"rows": 3}),
            "past_work": forms.Textarea(attrs={"rows": 3}),
        }


class RoundForm(forms.ModelForm):
    directions = forms.ModelMultipleChoiceField(
        label=_("方向"),
        queryset=Direction.objects.filter(accepts_applications=True),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )

    class Meta:
        model = ReviewRound
        fields = [
            "name",
            "directions",
            "experts_per_application",
            "require_outside_county",
            "max_experts_per_unit",
            "field_bonus",
            "aggregation",
            "disagreement_threshold",
            "show_scores_after_submit",
            "hide_applicant_identity",
            "due_at",
        ]
        widgets = {"due_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class ConfirmForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=_("本人确认与该项目的申报单位、负责人和团队成员不存在利益冲突"), required=False
    )
    pledge = forms.BooleanField(
        label=_("本人承诺对评审材料和评审意见保密，不复制、不泄露、不用于评审以外的用途"), required=False
    )


class DeclareConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("利益冲突类型"), choices=ConflictKind.choices)
    reason = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class ScoreForm(forms.Form):
    overall_comment = forms.CharField(
        label=_("综合意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    recommendation = forms.ChoiceField(
        label=_("推荐意见"), choices=Recommendation.choices, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = sheet.criteria
        for criterion in sheet.criteria:
            self.fields[f"score-{criterion['code']}"] = forms.IntegerField(
                label=f"{criterion['label']}（0-{criterion['max']}分）",
                required=False,
                min_value=0,
                max_value=criterion["max"],
                widget=forms.NumberInput(attrs={"data-score-item": "", "inputmode": "numeric"}),
            )
            self.fields[f"comment-{criterion['code']}"] = forms.CharField(
                label=f"{criterion['label']}评审意见",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
            )
        self.order_fields(
            [
                *(f for c in sheet.criteria for f in (f"score-{c['code']}", f"comment-{c['code']}")),
                "overall_comment",
                "recommendation",
            ]
        )

    def pairs(self):
        return [(self[f"score-{c['code']}"], self[f"comment-{c['code']}"]) for c in self.criteria]

    def items(self):
        """Each score item with its rubric (description, bands from the sheet's data) and fields."""
        return [(c, score, comment) for c, (score, comment) in zip(self.criteria, self.pairs(), strict=True)]

    def running_total(self) -> int:
        """The sum of the scores typed so far that are whole numbers within their item's range:
        what the page's total shows before any script runs."""
        total = 0
        for criterion, (score, _comment) in zip(self.criteria, self.pairs(), strict=True):
            value = score.value()
            try:
                points = int(str(value).strip())
            except (TypeError, ValueError):
                continue
            if 0 <= points <= criterion["max"]:
                total += points
        return total
