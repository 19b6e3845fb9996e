"""Personal API tokens: what a program acting for a person presents instead of a password.

Only the SHA-256 of a token is stored (tokens are 256 random bits, so a plain digest cannot
be brute-forced, and a stolen database yields no usable token); the token itself is shown
once, when it is made. A token carries scopes and an expiry, and can be revoked.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stplan.audit import AppendOnly


class Scope(models.TextChoices):
    READ = "read", _("读取")
    WRITE = "write", _("填写申报书、上传附件")
    SUBMIT = "submit", _("提交申报书、提交评分")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("账号")
    )
    name = models.CharField(_("用途"), max_length=100)
    # The token's first characters: enough for its owner to tell tokens apart, useless to a thief.
    prefix = models.CharField(_("令牌开头"), max_length=12)
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


class TokenAction(models.TextChoices):
    CREATED = "created", _("创建")
    REVOKED = "revoked", _("吊销")


class TokenEvent(AppendOnly):
    """A token made or revoked: who did it (their name as it was then) and when. Tokens have
    no workflow states (an expiry and a revocation time), so this is a plain history row."""

    token = models.ForeignKey(
        ApiToken, on_delete=models.PROTECT, related_name="events", verbose_name=_("令牌")
    )
    action = models.CharField(_("操作"), max_length=20, choices=TokenAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("令牌记录")
        verbose_name_plural = _("令牌记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.token} {self.get_action_display()}"
