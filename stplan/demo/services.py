"""The demo world: units of every kind, a person in every role and applications in every
state, all made through the same services the screens use."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from stplan.accounts import services as accounts
from stplan.accounts.models import RecommenderKind, Role, Unit, User
from stplan.applications import services as applications
from stplan.demo.acceptance import load_acceptance_demo
from stplan.demo.builders import MINIMAL_PDF, application_form, credit_code, years_ago
from stplan.demo.challenges import demo_recommender, load_challenges_demo, score_challenge_teams, sign_pledges
from stplan.demo.projects import load_projects_demo
from stplan.demo.review import load_experts, load_review_demo
from stplan.demo.texts import TEXTS
from stplan.guides.models import Direction, Guide
from stplan.guides.services import load_guide
from stplan.review.defaults import load_review_defaults
from stplan.taxonomy.models import FieldOfStudy

GUIDE = "guilin-2022"
PASSWORD = "stplan-demo"

# (username, 科室) for the bureau's officers, one per 科室 that manages 方向.
OFFICERS = [
    ("keshi-fazhan", "发展规划与科技监督科"),
    ("keshi-shehui", "社会发展科技科"),
    ("keshi-rencai", "国外智力引进与人才科"),
    ("keshi-gaoxin", "高新技术科"),
    ("keshi-chengguo", "科技成果转化科"),
    ("keshi-hezuo", "国际与区域科技合作科"),
    ("keshi-nongye", "农业农村科技科"),
]


@dataclass(frozen=True)
class DemoUnit:
    key: str
    name: str
    kind: str
    county: str
    serial: int
    recommender_kind: str = ""
    qualifications: tuple[str, ...] = ()
    city: str = "桂林市"
    province: str = "广西壮族自治区"


UNITS = [
    DemoUnit(
        "qiye",
        "桂林漓江智能装备有限公司",
        "enterprise",
        "七星区",
        101,
        qualifications=("high_tech_enterprise",),
    ),
    DemoUnit("gaoxiao", "桂林理工示范大学", "university", "雁山区", 102),
    DemoUnit("yuansuo", "桂林市农业科学研究院", "institute", "临桂区", 103),
    DemoUnit(
        "yiyuan", "桂林市第一人民医院", "hospital", "秀峰区", 104, qualifications=("key_clinical_specialty",)
    ),
    DemoUnit("shehui", "桂林市科普志愿者协会", "social_org", "象山区", 105, qualifications=("science_base",)),
    DemoUnit("qita", "桂林山水文旅服务中心", "other", "阳朔县", 106),
    DemoUnit("lingui", "临桂区科学技术局", "government", "临桂区", 107, RecommenderKind.COUNTY_ST),
    DemoUnit("lingchuan", "灵川县科学技术局", "government", "灵川县", 108, RecommenderKind.COUNTY_ST),
    # Each unit that applies has its own county's 科技主管部门 to choose (or the 教育局).
    DemoUnit("qixing", "七星区科学技术局", "government", "七星区", 112, RecommenderKind.COUNTY_ST),
    DemoUnit("yanshan", "雁山区科学技术局", "government", "雁山区", 113, RecommenderKind.COUNTY_ST),
    DemoUnit("jiaoyu", "桂林市教育局", "government", "", 109, RecommenderKind.DEPARTMENT),
    DemoUnit("quwai", "深圳湾新材料研究院", "institute", "南山区", 110, city="深圳市", province="广东省"),
]
PENDING_UNIT = DemoUnit("daishen", "桂林新注册电子科技有限公司", "enterprise", "叠彩区", 111)


def _user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def _with_demo_password(user: User) -> User:
    """Demo accounts share one password everyone can type, which the password rules for
    people choosing their own would refuse: the account is made through the service with a
    throw-away strong password, then given the demo one by code."""
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _unit(spec: DemoUnit, admin: User) -> Unit:
    existing = Unit.objects.filter(credit_code=credit_code(spec.serial)).first()
    if existing:
        return existing
    user = accounts.register_unit(
        unit_fields={
            "name": spec.name,
            "credit_code": credit_code(spec.serial),
            "kind": spec.kind,
            "province": spec.province,
            "city": spec.city,
            "county": spec.county,
            "address": f"{spec.city}{spec.county}演示路{spec.serial}号",
            "contact_name": "王主任",
            "contact_phone": f"0773-5{spec.serial:06d}",
            "contact_email": f"{spec.key}@demo.stplan.local",
        },
        username=f"{spec.key}-admin",
        password=secrets.token_urlsafe(16),
        full_name=f"{spec.name[:4]}管理员",
        email=f"{spec.key}-admin@demo.stplan.local",
        phone="13800000000",
    )
    _with_demo_password(user)
    unit = user.unit
    unit.qualifications = list(spec.qualifications)
    unit.recommender_kind = spec.recommender_kind
    unit.save(update_fields=["qualifications", "recommender_kind"])
    if spec.key != PENDING_UNIT.key:
        unit = accounts.transition_unit(unit=unit, action="approve", actor=admin)
    if spec.recommender_kind:
        user.role = Role.RECOMMENDER
        user.save(update_fields=["role"])
    return unit


def _leader(unit: Unit, key: str, name: str, admin_of_unit: User) -> User:
    existing = User.objects.filter(username=key).first()
    if existing:
        return existing
    invitation = accounts.invite_person(
        unit=unit, invited_by=admin_of_unit, full_name=name, email=f"{key}@demo.stplan.local"
    )
    leader = accounts.accept_invitation(
        token=invitation.token, username=key, password=secrets.token_urlsafe(16), phone="13900000000"
    )
    return _with_demo_password(leader)


def _attach(application, leader, codes):
    for code in codes:
        applications.add_attachment(
            application=application,
            actor=leader,
            code=code,
            upload=SimpleUploadedFile(f"{code}.pdf", MINIMAL_PDF, content_type="application/pdf"),
        )


def _targets(direction: Direction) -> dict[str, int]:
    return {t.metric: t.min for t in direction.spec.targets if t.alternative in (None, "a")}


@transaction.atomic
def load_demo() -> list[tuple[str, str]]:
    """Idempotent: a second run leaves existing demo data as it is."""
    guide = load_guide(slug=GUIDE)
    now = timezone.now()
    guide.batches.filter(year_round=False, opens_at=None).update(
        opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=40)
    )
    admin = _user(
        "admin",
        is_staff=True,
        is_superuser=True,
        role=Role.BUREAU_ADMIN,
        full_name="局管理员",
        email="admin@demo.stplan.local",
    )
    for username, section in OFFICERS:
        _user(
            username,
            role=Role.OFFICER,
            section=section,
            full_name=f"{section}经办人",
            email=f"{username}@demo.stplan.local",
        )
    if Unit.objects.filter(credit_code=credit_code(UNITS[0].serial)).exists():
        return accounts_table()
    units = {spec.key: _unit(spec, admin) for spec in UNITS}
    _unit(PENDING_UNIT, admin)
    unit_admins = {key: User.objects.get(username=f"{key}-admin") for key in units}
    leaders = {
        "qiye": _leader(units["qiye"], "fuzeren-qiye", "张工", unit_admins["qiye"]),
        "gaoxiao": _leader(units["gaoxiao"], "fuzeren-gaoxiao", "陈博士", unit_admins["gaoxiao"]),
        "yuansuo": _leader(units["yuansuo"], "fuzeren-yuansuo", "刘研究员", unit_admins["yuansuo"]),
        "yiyuan": _leader(units["yiyuan"], "fuzeren-yiyuan", "黄医生", unit_admins["yiyuan"]),
        "shehui": _leader(units["shehui"], "fuzeren-shehui", "周老师", unit_admins["shehui"]),
    }
    load_review_defaults(guide=guide)
    _applications(guide, units, unit_admins, leaders, admin, now.date())
    load_experts(admin=admin)
    load_challenges_demo(
        guide=guide,
        admin=admin,
        units=units,
        unit_admins=unit_admins,
        leaders=leaders,
        officer=_officer(guide.directions.get(number=1)),
        today=now.date(),
    )
    review_round = load_review_demo(guide=guide, admin=admin, today=now.date())
    score_challenge_teams(review_round=review_round)
    load_projects_demo(guide=guide, admin=admin)
    load_acceptance_demo(admin=admin)
    sign_pledges(admin=admin)
    return accounts_table()


def _applications(guide: Guide, units, unit_admins, leaders, admin, today: date) -> None:
    directions = {d.number: d for d in guide.directions.all()}
    field = {f.code: f.pk for f in FieldOfStudy.objects.all()}
    jiaoyu = units["jiaoyu"]
    recommenders = [u for u in units.values() if u.recommender_kind]
    recommender_admins = {u.pk: User.objects.get(unit=u, role=Role.RECOMMENDER) for u in recommenders}

    def make(
        number, unit_key, title, *, requested, self_raised, stop, recommender=None, attachments=(), **extra
    ):
        direction = directions[number]
        leader = leaders[unit_key]
        recommender = recommender or demo_recommender(units, units[unit_key])
        application = applications.create_application(actor=leader, direction=direction)
        summary, research_content = TEXTS[title]
        form = application_form(
            summary=summary,
            research_content=research_content,
            today=today,
            title=title,
            years=direction.duration_years,
            requested=requested,
            self_raised=self_raised,
            leader_birth=extra.pop("leader_birth", date(1980, 3, 15)),
            leader_serial=application.pk,
            recommender_pk=recommender.pk if recommender else None,
            indicators=_targets(direction),
            **extra,
        )
        applications.save_draft(application=application, actor=leader, data=MultiValueDict(form))
        _attach(application, leader, attachments)
        steps = [
            ("submit", leader),
            ("unit_approve", unit_admins[unit_key]),
            ("recommend", recommender_admins.get(recommender.pk) if recommender else None),
            ("formal_pass", _officer(direction)),
        ]
        for action, actor in steps:
            if action == stop:
                return application
            try:
                applications.transition(application=application, action=action, actor=actor)
            except applications.SubmissionRefused as refusal:
                raise RuntimeError(
                    f"演示申报（方向{number}）未能提交：{refusal} {refusal.findings} {refusal.problems}"
                ) from refusal
        return application

    make(15, "gaoxiao", "漓江流域水生态监测关键技术研究", requested=200000, self_raised=100000, stop="submit")
    make(
        15,
        "gaoxiao",
        "漓江上游生态补水与水质改善技术研究",
        requested=200000,
        self_raised=100000,
        stop="done",
        field_of_study_pk=field["0501"],
    )
    make(
        36,
        "gaoxiao",
        "喀斯特石漠化地区经济林提质增效技术示范",
        requested=200000,
        self_raised=100000,
        stop="done",
        field_of_study_pk=field["0502"],
        exclusions=(("赵建国", "广西大学", "与项目负责人存在学术争议。"),),
    )
    make(
        38,
        "gaoxiao",
        "罗汉果绿色高效栽培技术集成示范",
        requested=300000,
        self_raised=150000,
        stop="done",
        field_of_study_pk=field["0401"],
    )
    make(
        22,
        "yuansuo",
        "沙田柚果汁加工关键技术成果转化",
        requested=300000,
        self_raised=300000,
        stop="done",
        field_of_study_pk=field["0403"],
    )
    make(6, "qiye", "高精度伺服电机控制系统研发", requested=300000, self_raised=900000, stop="unit_approve")
    make(
        17,
        "yiyuan",
        "基层医疗机构慢病管理模式研究",
        requested=150000,
        self_raised=50000,
        stop="recommend",
        recommender=jiaoyu,
    )
    make(22, "yuansuo", "罗汉果深加工技术成果转化", requested=300000, self_raised=300000, stop="formal_pass")
    make(
        36,
        "yuansuo",
        "桂北山区特色水果提质增效技术示范",
        requested=200000,
        self_raised=100000,
        stop="formal_pass",
    )
    make(
        38,
        "yuansuo",
        "沙田柚绿色防控技术集成与推广",
        requested=300000,
        self_raised=150000,
        stop="done",
        field_of_study_pk=field["0401"],
    )
    make(
        25,
        "gaoxiao",
        "新型柔性传感材料的制备与性能研究",
        requested=50000,
        self_raised=50000,
        stop="done",
        arrived_in_guilin_on=years_ago(today, 1),
        leader_birth=years_ago(today, 33),
        attachments=("id_card", "doctorate_certificate", "guilin_arrival_proof", "matching_commitment"),
        field_of_study_pk=field["0302"],
    )
    returned = make(
        18, "yiyuan", "老年人跌倒风险评估与干预研究", requested=180000, self_raised=20000, stop="formal_pass"
    )
    applications.transition(
        application=returned,
        action="formal_return",
        actor=_officer(directions[18]),
        reason="研究内容过于笼统，请细化年度任务和考核指标后重新提交。",
    )
    rejected = make(
        37, "yuansuo", "罗汉果种苗脱毒快繁技术研究", requested=200000, self_raised=0, stop="formal_pass"
    )
    applications.transition(
        application=rejected,
        action="formal_reject",
        actor=_officer(directions[37]),
        reason="项目与方向研究内容不符。",
    )
    withdrawn = make(
        31,
        "shehui",
        "“科技列车”进乡村科普巡展",
        requested=80000,
        self_raised=20000,
        stop="submit",
        track="base_opening",
    )
    applications.transition(application=withdrawn, action="withdraw", actor=leaders["shehui"])
    draft = applications.create_application(actor=leaders["qiye"], direction=directions[7])
    applications.save_draft(
        application=draft,
        actor=leaders["qiye"],
        data=MultiValueDict({"basic-title": ["（草稿）工业机器人视觉定位系统"]}),
    )


def _officer(direction: Direction) -> User:
    username = next(name for name, section in OFFICERS if section == direction.section)
    return User.objects.get(username=username)


def accounts_table() -> list[tuple[str, str]]:
    rows = [("admin", "局管理员（注册审核、全部方向形式审查、专家评审）")]
    rows += [(username, f"科室经办人：{section}") for username, section in OFFICERS]
    for user in (
        User.objects.filter(role__in=[Role.UNIT_ADMIN, Role.RECOMMENDER, Role.LEADER])
        .select_related("unit")
        .order_by("role", "username")
    ):
        rows.append((user.username, f"{user.get_role_display()}：{user.unit.name}"))
    for user in User.objects.filter(role=Role.EXPERT).select_related("expert").order_by("username"):
        rows.append((user.username, f"评审专家：{user.full_name}（{user.expert.unit_name}）"))
    return rows
