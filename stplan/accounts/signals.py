"""Login outcomes feed the throttle: failures count, a success clears its own address."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from stplan.accounts import throttle


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        throttle.failed(request, credentials.get("username"))


@receiver(user_logged_in)
def clear_on_success(sender, request, user, **kwargs):
    if request is not None:
        throttle.succeeded(request, user.get_username())
