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


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, through 两步验证 as the admin site requires."""
    from tests.world import pass_two_step  # conftest is read before Django's apps are ready

    pass_two_step(client, admin_user)
    return client
