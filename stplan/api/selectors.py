import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from stplan.api.models import ApiToken, TokenEvent


def digest_of(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def active_token(*, plaintext: str) -> ApiToken | None:
    """The unrevoked, unexpired token of an active account that `plaintext` is, if any."""
    return (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(
            digest=digest_of(plaintext),
            revoked_at=None,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )


def tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_history(*, user) -> QuerySet[TokenEvent]:
    """What was done to `user`'s tokens, newest first."""
    return TokenEvent.objects.filter(token__user=user).select_related("token")
