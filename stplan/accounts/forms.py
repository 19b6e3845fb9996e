from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from stplan.accounts.models import Invitation, Unit, User
from stplan.accounts.places import OUTSIDE_CITY, places
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the files themselves are checked by stplan.uploads."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class UnitForm(forms.ModelForm):
    qualifications = forms.MultipleChoiceField(
        label=_("单位资质"),
        choices=list(labels.QUALIFICATIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    county = forms.ChoiceField(
        label=_("县（市、区）"),
        error_messages={"invalid_choice": _("“%(value)s”不是名单中的县（市、区），请从名单中选择")},
    )
    proofs = MultipleFileField(
        label=_("资质证明"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("勾选资质的，请上传证书或认定文件（PDF 或 JPG/PNG，可多选），供科技局审核"),
    )

    class Meta:
        model = Unit
        fields = [*UNIT_FIELDS, "qualifications"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places()
        choices = [("", _("请选择")), *((name, name) for name in self.places.counties)]
        if self.places.outside_city:
            choices.append((OUTSIDE_CITY, _("%(city)s外的单位") % {"city": self.places.city}))
        self.fields["county"].choices = choices
        self.fields["county"].help_text = _("所在县（市、区）决定可选择的县（市、区）科技主管部门推荐单位")
        self.fields["city"].help_text = _("选择%(city)s的县（市、区）时自动填为%(city)s") % {
            "city": self.places.city
        }
        # Edit forms only: a unit is registered once, proof of 资质 changes go with a 资质 change.
        if self.instance.pk:
            del self.fields["proofs"]
            self.initial["county"] = self._county_choice(self.instance)

    def _county_choice(self, unit: Unit) -> str:
        if unit.county in self.places.counties:
            return unit.county
        if not unit.in_city(self.places.city):
            return OUTSIDE_CITY
        # A county typed before the list existed: nothing is chosen, and the typed value is shown.
        self.fields["county"].help_text = _(
            "原填写为“%(county)s”，不在%(city)s县（市、区）名单中，请重新选择"
        ) % {
            "county": unit.county,
            "city": self.places.city,
        }
        return ""

    def clean(self):
        data = super().clean()
        county = data.get("county")
        if county == OUTSIDE_CITY:
            if (data.get("city") or "").strip() == self.places.city:
                self.add_error(
                    "city", _("选择“%(city)s外的单位”时，市不能填%(city)s") % {"city": self.places.city}
                )
            # A unit outside the city keeps the county it gave before: it is not a choice here.
            data["county"] = self.instance.county if self.instance.pk and not self._in_city_before() else ""
        elif county:
            data["city"] = self.places.city
        return data

    def _in_city_before(self) -> bool:
        return self.instance.in_city(self.places.city)

    def unit_fields(self) -> dict:
        """What is written into the unit's record (the proof files are not)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "proofs"}

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

    def __init__(self, *args, keep_passwords: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_passwords = keep_passwords

    def full_clean(self):
        super().full_clean()
        # A form refused for another field goes back to the person who just typed it, over the
        # same (HTTPS) connection, in a page never cached (views.register): retyping both
        # passwords after every refusal lost more people than the value in the page could harm.
        # A password that was itself refused is not sent back: it must be typed anew anyway.
        refused = {"password", "password2"} & set(self.errors)
        if self.keep_passwords and not refused:
            for name in ("password", "password2"):
                self.fields[name].widget.render_value = True

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


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见（不通过时必填）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
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
