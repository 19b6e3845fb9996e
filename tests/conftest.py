import pytest
from django.core.cache import cache

# What gives a test a database: pytest-django's marker or one of these fixtures, asked for by
# the test or by a fixture it uses.
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(config, items):
    """A test that touches no database behaves the same in both rounds of the test command:
    it runs once, in the SQLite round."""
    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return
    kept, once = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)
        (kept if uses_database else once).append(item)
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = kept


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
