from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from stplan.accounts.services import two_step_device


class VerifiedAdminSite(admin.AdminSite):
    """The admin site opens only to staff who passed 两步验证 in this session."""

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request, extra_context=None):
        """One login for the whole system: the admin's own form would check passwords with
        neither the 429 answer of a throttled login nor the second step."""
        user = request.user
        if not user.is_authenticated:
            after = request.GET.get("next") or reverse("admin:index")
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': after})}")
        if user.is_authenticated and user.is_active and user.is_staff and not user.is_verified():
            after = request.GET.get("next") or reverse("admin:index")
            if two_step_device(user) is None:
                messages.info(request, _("后台管理要求两步验证：请先启用两步验证。"))
                return redirect(f"{reverse('accounts:two_step')}?{urlencode({'next': after})}")
            return redirect(f"{reverse('accounts:login_verify')}?{urlencode({'next': after})}")
        return super().login(request, extra_context)
