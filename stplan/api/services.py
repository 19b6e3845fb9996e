import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stplan.accounts.models import User
from stplan.api.models import ApiToken, Scope, TokenAction, TokenEvent
from stplan.api.selectors import digest_of
from stplan.errors import ServiceError

TOKEN_PREFIX = "stp_"
EXPIRY_DAYS = (30, 90, 180, 365)
# Writing last_used_at on every call would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


@transaction.atomic
def create_token(*, user: User, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token and its plaintext, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ServiceError(_("请填写令牌的用途。"))
    if not scopes or any(s not in Scope.values for s in scopes):
        raise ServiceError(_("请至少选择一项有效的权限范围。"))
    if days not in EXPIRY_DAYS:
        raise ServiceError(_("有效期只能选择30、90、180或365天。"))
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=plaintext[:10],
        digest=digest_of(plaintext),
        scopes=[s for s in Scope.values if s in scopes],
        expires_at=timezone.now() + timedelta(days=days),
    )
    _record(token, TokenAction.CREATED, user)
    return token, plaintext


def _record(token: ApiToken, action: str, actor: User) -> None:
    TokenEvent.objects.create(
        token=token, action=action, actor=actor, actor_name=actor.full_name or actor.username
    )


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User) -> ApiToken:
    if token.user_id != actor.pk:
        raise ServiceError(_("只能吊销自己的令牌。"))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record(token, TokenAction.REVOKED, actor)
    return token


def mark_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
