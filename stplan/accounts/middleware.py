from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from stplan.accounts.services import offers_two_step, two_step_device

# What a person who has given the password but not yet the code may still open.
OPEN_BEFORE_SECOND_STEP = ("/accounts/login/", "/accounts/logout/", "/static/", "/i18n/")


class SecondStepMiddleware:
    """A person with 两步验证 turned on is signed in only after the code: until then every page
    leads to the code form. After django_otp's OTPMiddleware, which sets `is_verified()`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_BEFORE_SECOND_STEP)
            # Applicants and experts have no device: no query on their every request.
            and offers_two_step(user)
            and two_step_device(user) is not None
        ):
            return redirect(
                f"{reverse('accounts:login_verify')}?{urlencode({'next': request.get_full_path()})}"
            )
        return self.get_response(request)
