"""One form per 立项 action; the view hands what it cleaned to one service call. Numbers are
read as the rest of the site reads them (stplan.web): what is no number is refused here with a
message, what is out of range by the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stplan.funding.models import FundingPlan
from stplan.web import decimal_number, whole_number


def section_budgets(text: str) -> dict[str, int]:
    budgets = {}
    for line in text.splitlines():
        if "=" in line:
            section, amount = line.split("=", 1)
            if (value := whole_number(amount)) is not None and section.strip():
                budgets[section.strip()] = value
    return budgets


class PlanForm(forms.Form):
    review_round = forms.ModelChoiceField(
        queryset=None,
        error_messages={"required": _("请选择评审批次。"), "invalid_choice": _("请选择评审批次。")},
    )
    batch = forms.ModelChoiceField(
        queryset=None, required=False, error_messages={"invalid_choice": _("请选择本指南的申报批次。")}
    )
    name = forms.CharField(required=False, strip=True)
    total_budget = forms.CharField(required=False)
    min_score = forms.CharField(required=False)
    objective = forms.CharField(required=False)
    section_budgets = forms.CharField(required=False)

    def __init__(self, *args, rounds, batches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_round"].queryset = rounds
        self.fields["batch"].queryset = batches

    def clean_min_score(self):
        value = decimal_number(self.cleaned_data["min_score"] or 60)
        if value is None:
            raise forms.ValidationError(_("分数线应为数字。"))
        return value

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "review_round": data["review_round"],
            "batch": data["batch"],
            "name": data["name"] or "立项方案",
            "total_budget": whole_number(data["total_budget"], 0),
            "objective": data["objective"] or "score",
            "min_score": data["min_score"],
            "section_budgets": section_budgets(data["section_budgets"]),
        }


class ItemChangeForm(forms.Form):
    amount = forms.CharField(required=False)
    selected = forms.CharField(required=False)

    def service_arguments(self) -> dict:
        return {
            "amount": whole_number(self.cleaned_data["amount"]),
            "selected": {"in": True, "out": False}.get(self.cleaned_data["selected"]),
        }


class PublicizeForm(forms.Form):
    days = forms.CharField(required=False)

    def service_arguments(self) -> dict:
        return {"days": whole_number(self.cleaned_data["days"], 7) or 7}


class HandleObjectionForm(forms.Form):
    handling = forms.CharField(required=False, strip=False)


class ObjectionForm(forms.Form):
    """An objection from anyone during 公示, to one listed project or to the list as a whole."""

    application = forms.TypedChoiceField(label=_("项目"), coerce=int, required=False, empty_value=None)
    # The lengths are the service's to check: it says which field is too long, in Chinese.
    name = forms.CharField(label=_("姓名或单位"))
    contact = forms.CharField(label=_("联系方式"), help_text=_("电话或邮箱，便于科技局核实后答复"))
    content = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("请写明异议的事实和理由；以单位名义提出的请写明单位名称。"),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", _("（对公示名单整体）"))] + [
            (item.application_id, f"{item.application.number} {item.application.title}") for item in items
        ]


class PublicityContactForm(forms.ModelForm):
    class Meta:
        model = FundingPlan
        fields = ["objection_office", "objection_phone", "objection_email", "objection_address"]
