from datetime import date

import pytest
from django.utils import timezone
from pydantic import ValidationError

from stplan.applications.models import ApplicationVersion
from stplan.applications.selectors import latest_content, latest_contents
from stplan.applications.submission import (
    SCHEMA_VERSION,
    BudgetSources,
    BudgetYear,
    ExclusionRequest,
    SubmittedApplication,
    SubmittedPerson,
    SubmittedUnit,
    submitted_content,
)
from tests.world import LeaderFactory, draft_25, open_guide, submitted_25

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def guide():
    return open_guide()


def test_submitted_content_reads_every_field_of_a_real_submission(guide):
    leader = LeaderFactory(full_name="王晓")
    application = submitted_25(guide=guide, leader=leader, exclusions=(("赵建国", "广西大学", "学术争议"),))
    version = application.versions.get()
    form = application.form

    content = submitted_content(version)

    assert content.schema_version == SCHEMA_VERSION == 1
    assert (content.version_number, content.version_sha256) == (1, version.sha256)
    assert content.submitted_at == version.submitted_at
    assert content.number == application.number
    assert (content.guide_slug, content.guide_sha256) == ("guilin-2022", guide.data_sha256)
    assert (content.direction_number, content.direction_title) == (25, application.direction.title)
    assert content.title == "新型柔性传感材料研究"
    assert content.keywords == ("关键技术", "产业化", "示范应用")
    assert content.summary == "新型柔性传感材料研究：围绕指南方向开展关键技术研究与示范应用。"
    assert content.research_content == "1. 关键技术攻关；2. 样机研制与测试；3. 示范应用与推广。"
    assert content.technical_route == "需求分析—方案设计—样机研制—测试验证—示范应用。"
    assert (content.field_of_study_id, content.track, content.duration_years) == (None, None, 2)
    assert (content.start_date, content.end_date) == (date(NEXT_YEAR, 1, 1), date(NEXT_YEAR + 1, 12, 31))
    assert content.lead_unit == SubmittedUnit(
        name=application.lead_unit.name, credit_code=application.lead_unit.credit_code
    )
    assert content.partners == ()
    assert content.recommender == application.recommender.name
    assert content.leader == SubmittedPerson(name="王晓", id_number=form["leader-id_number"][0])
    assert content.team == (SubmittedPerson(name="李明", id_number=form["team-0-id_number"][0]),)
    assert content.exclusion_requests == (
        ExclusionRequest(name="赵建国", unit_name="广西大学", reason="学术争议"),
    )
    assert content.requested_city_funds == 50_000
    assert content.budget_sources == BudgetSources(city=50_000, self_raised=50_000, other=0)
    assert content.budget_years == (
        BudgetYear(year=1, equipment=12_500, business=25_000, labor=6_250, indirect=6_250),
        BudgetYear(year=2, equipment=12_500, business=25_000, labor=6_250, indirect=6_250),
    )
    assert content.budget_sources.total == sum(y.total for y in content.budget_years) == 100_000
    assert content.fundable_max == 50_000
    assert dict(content.indicators) == {"new_technology_or_funding": 1}
    assert sorted(a.code for a in content.attachments) == [
        "doctorate_certificate",
        "guilin_arrival_proof",
        "id_card",
        "matching_commitment",
    ]
    assert {(a.name, a.sha256, a.size) for a in content.attachments} == {
        (a.original_name, a.sha256, a.size) for a in application.attachments.all()
    }


def test_submitted_content_cannot_be_changed(guide):
    content = submitted_content(submitted_25(guide=guide).versions.get())
    with pytest.raises(ValidationError):
        content.title = "改过的名称"
    with pytest.raises(TypeError):
        content.indicators["patent"] = 3
    with pytest.raises(AttributeError):
        content.team.append(content.leader)


def test_submitted_content_round_trips_through_json(guide):
    content = submitted_content(submitted_25(guide=guide).versions.get())
    assert SubmittedApplication.model_validate_json(content.model_dump_json()) == content


def test_submitted_content_reads_an_old_snapshot_without_the_newer_keys(guide):
    application = submitted_25(guide=guide)
    current = application.versions.get()
    old_form = {
        k: v
        for k, v in current.snapshot["form"].items()
        if not k.startswith("exclusions-")
        and k not in ("basic-keywords", "basic-field_of_study", "content-technical_route")
    }
    old = {k: v for k, v in current.snapshot.items() if k not in ("guide_sha256", "indicators")}
    ApplicationVersion.objects.create(
        application=application,
        number=2,
        snapshot={**old, "form": old_form},
        sha256="0" * 64,
        submitted_at=current.submitted_at,
        submitted_by=application.leader,
    )

    content = latest_content(application)

    assert content.version_number == 2
    assert content.guide_sha256 is None
    assert dict(content.indicators) == {}
    assert (content.keywords, content.technical_route, content.field_of_study_id) == ((), "", None)
    assert content.exclusion_requests == ()
    assert content.title == "新型柔性传感材料研究"
    assert content.requested_city_funds == content.fundable_max == 50_000
    assert content.team == submitted_content(current).team


def test_latest_contents_gives_each_submitted_applications_last_version_and_skips_drafts(guide):
    submitted = submitted_25(guide=guide)
    draft = draft_25(guide=guide)
    contents = latest_contents([submitted, draft])
    assert list(contents) == [submitted.pk]
    assert contents[submitted.pk] == submitted_content(submitted.versions.get())
    assert latest_content(draft) is None
