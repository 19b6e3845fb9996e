import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media(settings, tmp_path):
    # PBKDF2 at production strength would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Rate-limit counters live in the cache: each test starts with none.
    cache.clear()
