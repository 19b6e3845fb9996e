import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from stplan.accounts.models import Role, Unit, User
from stplan.applications.models import Application, Status
from stplan.guides.models import Guide
from stplan.integrity import services as integrity
from stplan.integrity.models import SimilarPair


@pytest.mark.django_db
def test_load_demo_loads_guide_and_admin_account_idempotently(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert Guide.objects.get().directions.count() == 40
    assert authenticate(username="admin", password="stplan-demo").is_superuser
    # Unit administrators and leaders are made through the registration and invitation
    # services, whose password rules `stplan-demo` would not pass; the demo sets it after.
    for username in ("gaoxiao-admin", "lingui-admin", "daishen-admin", "fuzeren-gaoxiao"):
        assert authenticate(username=username, password="stplan-demo").username == username
    out = capsys.readouterr().out
    assert "所有演示账号的密码均为：stplan-demo" in out
    assert Application.objects.count() == 17  # 15 across the 方向 and 2 揭榜 teams of 方向1


@pytest.mark.django_db
def test_load_demo_has_every_role_unit_kind_and_application_state():
    call_command("load_demo")
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert set(Unit.objects.values_list("kind", flat=True)) == {
        "enterprise",
        "university",
        "institute",
        "hospital",
        "government",
        "social_org",
        "other",
    }
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    assert Application.objects.values("direction").distinct().count() >= 10


@pytest.mark.django_db
def test_load_demo_has_a_published_review_round_with_scores_and_a_declared_conflict():
    from stplan.review.models import Assignment, AssignmentStatus, DeclaredConflict, Expert, Review

    call_command("load_demo")
    assert Expert.objects.count() == 16
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert {"published", "confirmed", "submitted", "withdrawn"} <= statuses
    assert (
        Review.objects.filter(submitted_at__isnull=False).count()
        == Assignment.objects.filter(status=AssignmentStatus.SUBMITTED).count()
    )
    assert DeclaredConflict.objects.count() == 1


@pytest.mark.django_db
def test_load_guide_command_reports_unknown_guide_in_chinese():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为 guilin-1999 的申报指南"):
        call_command("load_guide", "guilin-1999")


@pytest.mark.django_db
def test_load_demo_runs_challenge_from_need_to_signed_pledge():
    from stplan.appraisals.models import PanelOpinion
    from stplan.challenges.models import ChallengeItem, ListVersion, Need
    from stplan.pledges.models import Pledge

    call_command("load_demo")

    item = ChallengeItem.objects.get()
    teams = Application.objects.filter(challenge_item=item).order_by("pk")
    pledge = Pledge.objects.get()
    assert set(Need.objects.values_list("status", flat=True)) == {"listed", "declined", "merged", "returned"}
    assert list(PanelOpinion.objects.order_by("pk").values_list("recommended", flat=True)) == [True, False]
    assert (item.status, ListVersion.objects.count()) == ("published", 1)
    assert list(teams.values_list("status", flat=True)) == ["funded", "passed"]
    assert (pledge.project.application, pledge.status) == (teams[0], "signed")
    assert pledge.project.contract.status == "approved"


@pytest.mark.django_db
def test_load_demo_applications_have_their_own_texts_so_few_pairs_resemble():
    call_command("load_demo")
    guide = Guide.objects.get(slug="guilin-2022")

    run = integrity.scan(guide=guide, actor=User.objects.get(username="admin"))

    assert (run.texts, run.pairs, SimilarPair.objects.count()) == (
        Application.objects.filter(version__gt=0)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .count(),
        0,
        0,
    )


@pytest.mark.django_db
def test_load_demo_has_an_acceptance_panel_with_scores_and_one_task_left():
    from stplan.projects.models import AcceptancePanel

    call_command("load_demo")

    panel = AcceptancePanel.objects.get()
    assert (panel.status, panel.acceptance.status) == ("open", "submitted")
    assert sorted(panel.reviews.values_list("status", flat=True)) == ["assigned", "submitted", "submitted"]
