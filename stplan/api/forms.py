from django import forms
from django.utils.translation import gettext_lazy as _

from stplan.api.models import Scope
from stplan.api.services import EXPIRY_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=100, help_text=_("如：本单位科研管理系统"))
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
    days = forms.TypedChoiceField(
        label=_("有效期"),
        coerce=int,
        choices=[(d, _("%(d)s天") % {"d": d}) for d in EXPIRY_DAYS],
        initial=90,
    )
