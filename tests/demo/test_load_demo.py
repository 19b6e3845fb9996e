import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from stplan.guides.models import Guide


@pytest.mark.django_db
def test_load_demo_loads_guide_and_admin_account_idempotently(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert Guide.objects.get().directions.count() == 40
    assert authenticate(username="admin", password="stplan-demo").is_superuser
    assert "admin / stplan-demo" in capsys.readouterr().out


@pytest.mark.django_db
def test_load_guide_command_reports_unknown_guide_in_chinese():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为 guilin-1999 的申报指南"):
        call_command("load_guide", "guilin-1999")
