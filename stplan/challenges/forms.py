"""The forms of 需求征集 and 榜单 items: what an enterprise or an officer types."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stplan.challenges.models import ChallengeItem, Need
from stplan.eligibility.guide import Guide

MAX_YUAN = 10**12


def _metric_fields(form: forms.Form, guide: Guide, initial: dict, *, required_label: str) -> None:
    """One whole-number field per 考核指标 the guide defines, named `metric_<code>`."""
    for code, metric in guide.metrics.items():
        form.fields[f"metric_{code}"] = forms.IntegerField(
            label=f"{metric.label}（{metric.unit}）",
            required=False,
            min_value=0,
            max_value=MAX_YUAN,
            initial=initial.get(code),
            help_text=required_label,
        )


def targets_of(cleaned: dict) -> dict[str, int]:
    return {k.removeprefix("metric_"): v for k, v in cleaned.items() if k.startswith("metric_") and v}


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = [
            "title",
            "segment",
            "problem",
            "bottleneck",
            "target_text",
            "commitment",
            "deadline",
            "contact_name",
            "contact_phone",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "bottleneck": forms.Textarea(attrs={"rows": 3}),
            "target_text": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "commitment": _("单位：元，填整数。企业为解决本需求承诺投入的研发经费（配套经费的一部分）"),
            "bottleneck": _("受制于人、亟须突破的关键环节"),
        }

    def __init__(self, *args, guide: Guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].max_value = MAX_YUAN
        self.fields["commitment"].widget.attrs["max"] = MAX_YUAN
        _metric_fields(self, guide, self.instance.targets or {}, required_label=_("希望达到的数量，可不填"))

    def clean(self):
        data = super().clean()
        if not self.errors and not targets_of(data) and not (data.get("target_text") or "").strip():
            raise forms.ValidationError(_("请填写至少一项目标指标或目标指标说明。"))
        return data


class ItemForm(forms.ModelForm):
    class Meta:
        model = ChallengeItem
        fields = ["title", "problem", "target_text", "amount_max", "winners", "opens_at", "closes_at"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "target_text": forms.Textarea(attrs={"rows": 3}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }
        help_texts = {"amount_max": _("单位：元，不超过本方向的资助金额")}

    def __init__(self, *args, guide: Guide, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount_max"].max_value = MAX_YUAN
        self.fields["winners"].min_value = 1
        self.fields["winners"].max_value = 99
        _metric_fields(
            self, guide, self.instance.targets or {}, required_label=_("揭榜方案须承诺不少于此数，可不填")
        )

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("揭榜截止须晚于揭榜开始"))
        if not self.errors and not targets_of(data):
            raise forms.ValidationError(_("榜单项目须至少有一项可考核的指标。"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    into = forms.IntegerField(label=_("合并到需求（编号）"), required=False, min_value=1, max_value=2**31 - 1)
