from django.contrib.auth import password_validation
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its refusal in Chinese: Django 5.2 reworded the message
    ("at least %d characters") and its zh_Hans catalogue has not caught up, so the
    refusal would be shown in English. The help text is still translated by Django."""

    def get_error_message(self):
        return gettext("密码长度太短。密码必须包含至少 %(min_length)d 个字符。") % {
            "min_length": self.min_length
        }
