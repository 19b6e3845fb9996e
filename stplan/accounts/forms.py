from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Invitation, Unit, User
from stplan.eligibility import labels
from stplan.eligibility.identifiers import uscc_problem

UNIT_FIELDS = [
    "name",
    "credit_code",
    "kind",
    "province",
    "city",
    "county",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
]


class UnitForm(forms.ModelForm):
    qualifications = forms.MultipleChoiceField(
        label=_("单位资质"),
        choices=list(labels.QUALIFICATIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Unit
        fields = [*UNIT_FIELDS, "qualifications"]

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        if problem := uscc_problem(code):
            raise forms.ValidationError(_("统一社会信用代码%(problem)s，请核对。") % {"problem": problem})
        return code

    def validate_unique(self):
        """Whether a credit code is registered already is told only to the registration's
        e-mail address (services.request_registration), never on screen; the database's
        unique index still holds."""
        exclude = self._get_validation_exclusions() | {"credit_code"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)


class AccountForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        regex=r"^[A-Za-z0-9_.@+-]{3,40}$",
        error_messages={"invalid": _("用户名为3-40位字母、数字或 _.@+-")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("邮箱"))
    phone = forms.CharField(label=_("手机号码"), max_length=30)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        elif data.get("password"):
            try:
                validate_password(data["password"], user=self.future_user(data))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data

    def future_user(self, data) -> User:
        """The account the password is for, so that it may not be too like its name or e-mail."""
        return User(
            username=data.get("username", ""),
            full_name=data.get("full_name", ""),
            email=data.get("email", ""),
        )


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    email = forms.EmailField(label=_("邮箱"))


class AcceptInvitationForm(AccountForm):
    """The name and e-mail come from the invitation."""

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        del self.fields["full_name"]
        del self.fields["email"]

    def future_user(self, data) -> User:
        return User(
            username=data.get("username", ""),
            full_name=self.invitation.full_name,
            email=self.invitation.email,
        )


class TwoStepCodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("身份验证器（如微信小程序“腾讯身份验证器”、Google Authenticator）当前显示的6位数字"),
    )
