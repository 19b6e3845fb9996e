"""Who is calling: a personal token (`Authorization: Bearer stp_…`) or the browser's session.

A token acts as its owner with the owner's permissions, narrowed to its scopes; a session
has every scope, as the person has in the web pages. Calls are throttled per token (per
account for sessions, per address for anonymous callers).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from stplan.api import selectors, services
from stplan.api.models import Scope


class ScopeMissing(Exception):
    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope

    @property
    def message(self) -> str:
        return str(_("该令牌没有“%(scope)s”权限范围。") % {"scope": Scope(self.scope).label})


class Token(HttpBearer):
    """A token with `scope`; a valid token without it is refused (403), not ignored."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token):
        found = selectors.active_token(plaintext=token)
        if found is None:
            return None
        if self.scope not in found.scopes:
            raise ScopeMissing(self.scope)
        services.mark_used(token=found)
        request.api_token = found
        request.user = found.user
        return found.user


class Session(SessionAuth):
    """The browser's login; ninja checks the CSRF token on unsafe methods."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.api_token = None
        return user


def caller(scope: str) -> list:
    return [Token(scope), Session()]


READ = caller(Scope.READ)
WRITE = caller(Scope.WRITE)
SUBMIT = caller(Scope.SUBMIT)


class PerCaller(SimpleRateThrottle):
    """`STPLAN_API_RATE` calls per token (per account for a session, per address when
    anonymous), read at each call so a deployment's setting applies without a restart."""

    def __init__(self):
        super().__init__(settings.STPLAN_API_RATE)

    def allow_request(self, request) -> bool:
        self.rate = settings.STPLAN_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str:
        token = getattr(request, "api_token", None)
        if token is not None:
            ident = f"token-{token.pk}"
        elif getattr(request, "auth", None) is not None:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": "stplan-api", "ident": ident}
