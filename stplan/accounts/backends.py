"""Authentication that refuses, without checking the password, while a login is throttled."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from stplan.accounts import throttle


class ThrottledModelBackend(ModelBackend):
    """Both login forms (ours and the admin's) authenticate here."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and throttle.wait_seconds(request, username) > 0:
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)
