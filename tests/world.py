"""Model factories for units, people and applications, made through stplan's services
where a real user's step would be (registration review, submission), so tests start from
states the system itself can reach."""

import itertools
import re
from datetime import date, timedelta

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from stplan.accounts.models import RecommenderKind, Role, Unit, User
from stplan.applications import services
from stplan.demo.builders import MINIMAL_PDF, application_form, years_ago
from stplan.guides.models import Direction, Guide
from stplan.guides.services import load_guide
from tests.factories import credit_code

_serial = itertools.count(1)

DIRECTION_25_ATTACHMENTS = ("id_card", "doctorate_certificate", "guilin_arrival_proof", "matching_commitment")


def open_guide(*, opens_days_ago: int = 10, closes_in_days: int = 10) -> Guide:
    guide = load_guide(slug="guilin-2022")
    now = timezone.now()
    return set_call_window(
        guide, opens_at=now - timedelta(days=opens_days_ago), closes_at=now + timedelta(days=closes_in_days)
    )


_KEEP = object()


def set_call_window(guide: Guide, *, opens_at=_KEEP, closes_at=_KEEP, code: str | None = None) -> Guide:
    """Dates every batch that is not 常年受理 (or, with code, that one batch) as the bureau
    sets them in the admin; None clears a date, an omitted one stays."""
    rows = guide.batches.filter(code=code) if code else guide.batches.filter(year_round=False)
    fields = {
        name: value
        for name, value in (("opens_at", opens_at), ("closes_at", closes_at))
        if value is not _KEEP
    }
    rows.update(**fields)
    guide.__dict__.pop("call_batches", None)
    return guide


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"桂林测试单位{n}")
    credit_code = factory.LazyFunction(credit_code)
    kind = "university"
    county = "七星区"
    address = "桂林市七星区测试路1号"
    contact_name = "联系人"
    contact_phone = "0773-1234567"
    contact_email = factory.Sequence(lambda n: f"unit{n}@test.local")

    @factory.post_generation
    def approved(unit, create, extracted, **kwargs):
        """Registered units are approved by a 局管理员, through the unit's workflow, unless
        `approved=False` (still pending) or `approved="rejected"`."""
        if not create or extracted is False:
            return
        from stplan.accounts.services import transition_unit

        admin = BureauAdminFactory()
        if extracted == "rejected":
            transition_unit(unit=unit, action="reject", actor=admin, reason="材料不全")
        else:
            transition_unit(unit=unit, action="approve", actor=admin)
        unit.refresh_from_db()


class RecommenderUnitFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"测试县{n}科学技术局")
    kind = "government"
    recommender_kind = RecommenderKind.COUNTY_ST


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    email = factory.Sequence(lambda n: f"user{n}@test.local")
    password = factory.PostGenerationMethodCall("set_password", "pw-123456")

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


class LeaderFactory(UserFactory):
    role = Role.LEADER
    unit = factory.SubFactory(UnitFactory)


class UnitAdminFactory(UserFactory):
    role = Role.UNIT_ADMIN
    unit = factory.SubFactory(UnitFactory)


class RecommenderFactory(UserFactory):
    role = Role.RECOMMENDER
    unit = factory.SubFactory(RecommenderUnitFactory)


class OfficerFactory(UserFactory):
    role = Role.OFFICER
    section = "国外智力引进与人才科"


class BureauAdminFactory(UserFactory):
    role = Role.BUREAU_ADMIN


def direction(guide: Guide, number: int) -> Direction:
    return guide.directions.get(number=number)


def direction_25_form(
    *, leader: User, recommender: Unit | None, today: date | None = None, **overrides
) -> MultiValueDict:
    """A complete, eligible 方向25 申报书 (青年创新人才科研专项: 5万, 1:1 matching)."""
    today = today or timezone.localdate()
    values = {
        "today": today,
        "title": "新型柔性传感材料研究",
        "years": 2,
        "requested": 50000,
        "self_raised": 50000,
        "leader_birth": years_ago(today, 33),
        "leader_serial": next(_serial),
        "arrived_in_guilin_on": years_ago(today, 1),
        "recommender_pk": recommender.pk if recommender else None,
        "indicators": {"new_technology_or_funding": 1},
        **overrides,
    }
    return MultiValueDict(application_form(**values))


def attach(application, actor, codes=DIRECTION_25_ATTACHMENTS):
    for code in codes:
        services.add_attachment(
            application=application,
            actor=actor,
            code=code,
            upload=SimpleUploadedFile(f"{code}.pdf", MINIMAL_PDF, content_type="application/pdf"),
        )


def draft_25(*, guide: Guide, leader: User | None = None, recommender: Unit | None = None, **overrides):
    """An eligible, complete 方向25 draft with its attachments, ready to submit."""
    leader = leader or LeaderFactory()
    recommender = recommender or RecommenderUnitFactory()
    application = services.create_application(actor=leader, direction=direction(guide, 25))
    services.save_draft(
        application=application,
        actor=leader,
        data=direction_25_form(leader=leader, recommender=recommender, **overrides),
    )
    attach(application, leader)
    application.refresh_from_db()
    return application


def submitted_25(**kwargs):
    application = draft_25(**kwargs)
    return services.transition(application=application, action="submit", actor=application.leader)


def recommended_6(guide):
    """A recommended 方向6 application (企业牵头, 1:3 matching) of an enterprise."""
    leader = LeaderFactory(unit=UnitFactory(kind="enterprise"))
    recommender = RecommenderFactory()
    application = services.create_application(actor=leader, direction=direction(guide, 6))
    form = application_form(
        today=timezone.localdate(),
        title="伺服电机控制系统",
        years=2,
        requested=300000,
        self_raised=900000,
        leader_birth=timezone.localdate().replace(year=1980),
        recommender_pk=recommender.unit.pk,
    )
    services.save_draft(application=application, actor=leader, data=MultiValueDict(form))
    application = services.transition(application=application, action="submit", actor=leader)
    services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=leader.unit)
    )
    return services.transition(application=application, action="recommend", actor=recommender)


def passed_25(guide, **kwargs):
    """A 方向25 application through 形式审查 (passed), ready for expert review."""
    application = submitted_25(guide=guide, **kwargs)
    services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=application.lead_unit)
    )
    application = services.transition(
        application=application, action="recommend", actor=RecommenderFactory(unit=application.recommender)
    )
    return services.transition(application=application, action="formal_pass", actor=OfficerFactory())


class ExpertUserFactory(UserFactory):
    role = Role.EXPERT


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "review.Expert"

    user = factory.SubFactory(ExpertUserFactory)
    unit_name = factory.Sequence(lambda n: f"外地研究院{n}")
    county = "西乡塘区"
    title = "研究员"
    keywords = "柔性传感 新材料"
    load_cap = 15


def review_round(guide, *, directions=(25,), **fields):
    from stplan.review.defaults import load_review_defaults
    from stplan.review.models import ReviewRound

    load_review_defaults(guide=guide)
    values = {"name": "测试评审", "experts_per_application": 2, "max_experts_per_unit": None, **fields}
    created = ReviewRound.objects.create(guide=guide, **values)
    created.directions.set(guide.directions.filter(number__in=directions))
    return created


def scored_round(guide, scores: list[int], *, directions=(25,), applications=None):
    """A review round over len(scores) passed applications (方向25 ones unless given), each
    reviewed by two experts who both gave it `score` points in total."""
    from stplan.review import selectors as review_selectors
    from stplan.review import services as review_services

    applications = applications or [passed_25(guide) for _ in scores]
    for _ in range(3):
        ExpertFactory(load_cap=len(scores) * 2)
    staff = BureauAdminFactory()
    current = review_round(guide, directions=directions, aggregation="mean")
    review_services.propose_assignment(review_round=current, actor=staff)
    review_services.publish(review_round=current, actor=staff)
    from stplan.review.models import Assignment

    for application, score in zip(applications, scores, strict=True):
        for task in Assignment.objects.filter(application=application):
            task = review_services.confirm_no_conflict(
                assignment=task, actor=task.expert.user, pledge=True, no_conflict=True
            )
            sheet = review_selectors.sheet_for(current, application)
            left, points = score, {}
            for criterion in sheet.criteria:
                points[criterion["code"]] = min(criterion["max"], left)
                left -= points[criterion["code"]]
            review_services.save_review(
                assignment=task,
                actor=task.expert.user,
                scores=points,
                comments={c["code"]: "意见" for c in sheet.criteria},
                overall_comment="",
                recommendation="fund",
                submit=True,
            )
    return current, applications, staff


def registration_link(outbox) -> str:
    """The path of the confirmation link in the last registration e-mail sent."""
    body = outbox[-1].body
    found = re.search(
        re.escape(settings.STPLAN_SITE_URL) + r"(/accounts/register/confirm/[^/\s]+/[^/\s]+/)", body
    )
    assert found, body
    return found.group(1)


def authenticator_code(user: User, *, steps_later: int = 0) -> int:
    """What the authenticator app of `user` shows now (or `steps_later` 30-second steps on),
    for the key the system gave it. A code once used is refused, so a second login within the
    same step types the next step's code, which the one-step tolerance accepts."""
    device = TOTPDevice.objects.get(user=user)
    return totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_later)


def pass_two_step(client, user: User) -> None:
    """Sign `user` in and turn 两步验证 on as a person does, which also verifies the session."""
    client.force_login(user)
    client.get(reverse("accounts:two_step"))
    client.post(reverse("accounts:two_step"), {"code": f"{authenticator_code(user):06d}"})


def need_call(guide: Guide, *, number: int = 1, opens_days_ago: int = 5, closes_in_days: int = 5):
    """A call for technology needs of 方向`number`, open now, opened by a 局管理员."""
    from stplan.challenges.services import open_call

    now = timezone.now()
    return open_call(
        actor=BureauAdminFactory(),
        direction=direction(guide, number),
        industry="先进装备制造",
        opens_at=now - timedelta(days=opens_days_ago),
        closes_at=now + timedelta(days=closes_in_days),
    )


def need_fields(**overrides) -> dict:
    return {
        "title": "高性能伺服驱动芯片国产化",
        "segment": "伺服驱动",
        "problem": "进口伺服驱动芯片供货周期长、价格高。",
        "bottleneck": "驱动芯片设计与流片。",
        "target_text": "形成可量产的驱动芯片。",
        "commitment": 6_000_000,
        "deadline": timezone.localdate() + timedelta(days=900),
        "contact_name": "李工",
        "contact_phone": "0773-7654321",
        **overrides,
    }


def submitted_need(call, *, person: User | None = None, **overrides):
    """A need of an enterprise, submitted in the call's window."""
    from stplan.challenges.services import save_need, transition_need

    person = person or UnitAdminFactory(unit=UnitFactory(kind="enterprise"))
    need = save_need(
        actor=person,
        call=call,
        fields=need_fields(**overrides),
        targets={"major_breakthrough": 3, "new_product": 4},
    )
    return transition_need(need=need, action="submit", actor=person)


def item_fields(**overrides) -> dict:
    now = timezone.now()
    return {
        "title": "高性能伺服驱动芯片研发与产业化",
        "problem": "突破伺服驱动芯片设计与量产。",
        "target_text": "",
        "amount_max": 8_000_000,
        "winners": 1,
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=30),
        **overrides,
    }


def published_item(guide: Guide, *, officer: User | None = None, targets=None, **overrides):
    """A 榜单 item of 方向1 made of an accepted need and published, open for 揭榜."""
    from stplan.challenges.services import create_item, transition_item, transition_need

    officer = officer or OfficerFactory(section=direction(guide, 1).section)
    need = submitted_need(need_call(guide))
    transition_need(need=need, action="accept", actor=officer)
    item = create_item(
        actor=officer,
        need=need,
        fields=item_fields(**overrides),
        targets=targets or {"major_breakthrough": 3, "new_product": 4},
    )
    return transition_item(item=item, action="publish", actor=officer)


def challenge_draft(item, *, leader: User | None = None, requested: int = 2_000_000, indicators=None):
    """A complete 方向1 申报书 of an enterprise answering `item`, with its attachments."""
    from stplan.demo.builders import challenge_plan_form

    leader = leader or LeaderFactory(unit=UnitFactory(kind="enterprise"))
    recommender = RecommenderUnitFactory()
    application = services.create_application(actor=leader, direction=item.direction)
    form = application_form(
        today=timezone.localdate(),
        title=f"{item.title}（揭榜）",
        years=3,
        requested=requested,
        self_raised=requested * 3,
        leader_birth=timezone.localdate().replace(year=1975),
        leader_serial=next(_serial),
        recommender_pk=recommender.pk,
        indicators=indicators or {"major_breakthrough": 3, "new_product": 4, "input_output_ratio": 3},
    )
    form["lead-rd_expense_last_year"] = ["6000000"]
    form.update(challenge_plan_form(item_pk=item.pk, title=item.title))
    services.save_draft(application=application, actor=leader, data=MultiValueDict(form))
    attach(application, leader, codes=("financial_statements",))
    application.refresh_from_db()
    return application


def passed_challenge(item, **kwargs):
    """A 方向1 application answering `item`, through 形式审查 (passed)."""
    application = challenge_draft(item, **kwargs)
    application = services.transition(application=application, action="submit", actor=application.leader)
    services.transition(
        application=application, action="unit_approve", actor=UnitAdminFactory(unit=application.lead_unit)
    )
    application = services.transition(
        application=application, action="recommend", actor=RecommenderFactory(unit=application.recommender)
    )
    officer = OfficerFactory(section=item.direction.section)
    return services.transition(application=application, action="formal_pass", actor=officer)


def challenge_project(guide, *, scores=(90, 80)):
    """立项 of a 榜单 item answered by len(scores) teams: the best team's project, with its
    军令状 drawn up, and the item. Returns (project, item, teams)."""
    from stplan.funding import services as funding
    from stplan.projects.models import Project

    item = published_item(guide)
    teams = [passed_challenge(item) for _ in scores]
    current, _, staff = scored_round(guide, list(scores), directions=(1,), applications=teams)
    plan = funding.create_plan(actor=staff, review_round=current, name="揭榜立项", total_budget=10_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    return Project.objects.get(plan_item__plan=plan), item, teams


def appraisal_panel(guide, *, needs: int = 2, experts: int = 4, officer: User | None = None):
    """A published 专家论证 over `needs` accepted needs of one call, `experts` experts in the
    pool, each need to 2 of them."""
    from stplan.appraisals import services as appraisals
    from stplan.challenges.services import transition_need

    officer = officer or OfficerFactory(section=direction(guide, 1).section)
    call = need_call(guide)
    for n in range(needs):
        need = submitted_need(call, title=f"伺服驱动需求{n + 1}")
        transition_need(need=need, action="accept", actor=officer)
    for _ in range(experts):
        ExpertFactory(keywords="伺服驱动 芯片 电机")
    panel = appraisals.create_panel(
        actor=officer,
        call=call,
        name="伺服驱动需求论证",
        experts_per_need=2,
        due_at=timezone.now() + timedelta(days=7),
    )
    return appraisals.transition_panel(panel=panel, action="publish", actor=officer)


def accepting_project(guide=None, *, achieved: int = 1):
    """A signed 方向25 project whose 负责人 has applied for 验收 (allowed early) with one
    piece of 验收佐证, and the 科室's officer. Returns (project, officer)."""
    from stplan.funding import services as funding
    from stplan.projects import services as projects
    from stplan.projects.selectors import projects_of_plan

    guide = guide or open_guide()
    current, _applications, staff = scored_round(guide, [90])
    plan = funding.create_plan(actor=staff, review_round=current, name="验收方案", total_budget=1_000_000)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    (project,) = projects_of_plan(plan)
    leader = project.application.leader
    officer = OfficerFactory(section=direction(guide, 25).section)
    projects.advance_contract(project=project, actor=leader, action="confirm")
    projects.advance_contract(
        project=project, actor=UnitAdminFactory(unit=project.application.lead_unit), action="unit_approve"
    )
    projects.advance_contract(project=project, actor=officer, action="approve")
    project.refresh_from_db()
    projects.allow_early(project=project, actor=officer, what="acceptance", reason="测试：提前验收")
    projects.add_evidence(
        project=project,
        actor=leader,
        purpose="acceptance",
        upload=SimpleUploadedFile("验收佐证.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    projects.submit_acceptance(
        project=project,
        actor=leader,
        achieved={row["metric"]: achieved for row in project.contract.content["indicators"]},
        total_investment=500_000,
        new_output=600_000,
        summary="完成任务书规定的研究内容。",
    )
    project.refresh_from_db()
    return project, officer


def acceptance_panel(project, officer, *, experts: int = 3):
    """A published 验收专家组 of `experts` experts for an `accepting_project`."""
    from stplan.projects import acceptance_panel as panels

    panel = panels.form_panel(
        project=project, actor=officer, experts=experts, due_at=timezone.now() + timedelta(days=7)
    )
    return panels.transition_panel(panel=panel, action="publish", actor=officer)


def funded_projects(guide, *, scores=(90,), budget: int = 10_000_000):
    """立项 of len(scores) 方向25 applications from one final plan. Returns (projects in score
    order, the bureau admin who ran it); each 任务书 waits for its 负责人."""
    from stplan.funding import services as funding
    from stplan.projects.selectors import projects_of_plan

    current, applications, staff = scored_round(guide, list(scores))
    plan = funding.create_plan(actor=staff, review_round=current, name="立项", total_budget=budget)
    plan = funding.publicize(plan=plan, actor=staff)
    funding.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(seconds=1))
    by_leader = {p.application.leader_id: p for p in projects_of_plan(plan)}
    return [by_leader[a.leader_id] for a in applications if a.leader_id in by_leader], staff


def contract_to(project, step: str, *, officer):
    """Take `project`'s 任务书 through its steps up to and including `step` (confirm,
    unit_approve, approve), each by the person whose step it is; returns the unit admin."""
    from stplan.projects import services as projects

    unit_admin = UnitAdminFactory(unit=project.application.lead_unit)
    people = {"confirm": project.application.leader, "unit_approve": unit_admin, "approve": officer}
    for action in ("confirm", "unit_approve", "approve"):
        projects.advance_contract(project=project, actor=people[action], action=action)
        if action == step:
            break
    project.refresh_from_db()
    return unit_admin


def qualification_proof(unit: Unit, name: str = "高新技术企业证书.pdf"):
    """A proof file of the unit's 资质, as a registration with a file leaves it."""
    from stplan.accounts.models import QualificationProof

    proof = QualificationProof(
        unit=unit, original_name=name, content_type="application/pdf", size=len(MINIMAL_PDF), sha256="0" * 64
    )
    proof.file.save(name, SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf"), save=False)
    proof.save()
    return proof
