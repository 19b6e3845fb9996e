from django import forms
from django.utils.translation import gettext_lazy as _

from stplan.funding.models import FundingPlan


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
