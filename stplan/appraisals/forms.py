from django import forms
from django.utils.translation import gettext_lazy as _

from stplan.appraisals.models import MAX_POINTS
from stplan.challenges.models import NeedCall


class PanelForm(forms.Form):
    call = forms.ModelChoiceField(label=_("需求征集"), queryset=NeedCall.objects.none())
    name = forms.CharField(label=_("名称"), max_length=100)
    experts_per_need = forms.IntegerField(
        label=_("每项需求的论证专家数"), min_value=1, max_value=15, initial=3
    )
    due_at = forms.DateTimeField(
        label=_("论证截止"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls


class TaskForm(forms.Form):
    importance = forms.IntegerField(label=_("重要性（0-100分）"), min_value=0, max_value=MAX_POINTS)
    feasibility = forms.IntegerField(label=_("可行性（0-100分）"), min_value=0, max_value=MAX_POINTS)
    comment = forms.CharField(label=_("论证意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    recommend = forms.TypedChoiceField(
        label=_("是否建议列入榜单"),
        choices=[("yes", _("建议列入")), ("no", _("不建议列入"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class OpinionForm(forms.Form):
    need = forms.IntegerField(min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)
    recommended = forms.BooleanField(label=_("专家组建议列入榜单"), required=False)
    opinion = forms.CharField(
        label=_("专家组意见"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("回避理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
