"""The demo's 专家评审: a pool of experts, a round over the applications that passed 形审,
published tasks, and some scores already in, so the ranking has something to show."""

from datetime import timedelta

from django.utils import timezone

from stplan.accounts.models import User
from stplan.review import services
from stplan.review.defaults import load_review_defaults
from stplan.review.models import Assignment, AssignmentStatus, Expert, ReviewRound
from stplan.review.selectors import sheet_for
from stplan.taxonomy.models import FieldOfStudy

PASSWORD = "stplan-demo"

# (username, 姓名, 单位, 县, 职称, 学科领域代码, 关键词)
EXPERTS = [
    ("zhuanjia-01", "赵建国", "广西大学", "西乡塘区", "教授", ["0401", "0403"], "果树栽培 罗汉果 深加工"),
    ("zhuanjia-02", "钱文华", "广西农业科学院", "兴宁区", "研究员", ["0401"], "柑橘 沙田柚 病虫害绿色防控"),
    (
        "zhuanjia-03",
        "孙丽",
        "桂林市农业科学研究院",
        "临桂区",
        "研究员",
        ["0401", "0402"],
        "特色水果 提质增效 示范",
    ),
    ("zhuanjia-04", "李强", "广西师范大学", "雁山区", "教授", ["0302", "0101"], "柔性传感 新材料 纳米"),
    ("zhuanjia-05", "周敏", "桂林电子科技大学", "七星区", "教授", ["0101", "0102"], "传感器 微电子 人工智能"),
    ("zhuanjia-06", "吴海", "广西中医药大学", "青秀区", "教授", ["0201", "0403"], "中药 罗汉果 提取工艺"),
    ("zhuanjia-07", "郑红", "桂林医学院", "临桂区", "主任医师", ["0203"], "老年医学 慢病管理 跌倒"),
    ("zhuanjia-08", "王磊", "广西科学院", "西乡塘区", "研究员", ["0302", "0303"], "功能材料 储能 薄膜"),
    (
        "zhuanjia-09",
        "冯燕",
        "广西农业科学院",
        "兴宁区",
        "副研究员",
        ["0402", "0401"],
        "畜禽 生态养殖 种养结合",
    ),
    ("zhuanjia-10", "陈刚", "柳州市农业技术推广中心", "城中区", "推广研究员", ["0401"], "柑橘 栽培 技术推广"),
    ("zhuanjia-11", "褚静", "桂林理工大学", "七星区", "教授", ["0501", "0502"], "漓江 水生态 监测"),
    ("zhuanjia-12", "卫东", "南宁市科技情报所", "青秀区", "研究员", ["0603"], "科技战略 政策评估"),
    ("zhuanjia-13", "蒋涛", "广西大学", "西乡塘区", "教授", ["0301", "0102"], "伺服电机 控制系统 智能制造"),
    ("zhuanjia-14", "沈梅", "桂林旅游学院", "雁山区", "教授", ["0601"], "旅游 文化创意 数字文旅"),
    ("zhuanjia-15", "韩冰", "梧州学院", "万秀区", "副教授", ["0403", "0401"], "农产品加工 保鲜 冷链"),
    (
        "zhuanjia-16",
        "杨帆",
        "广西农业职业技术大学",
        "江南区",
        "教授",
        ["0401", "0502"],
        "石漠化 生态修复 经济林",
    ),
]


def load_experts(*, admin: User) -> None:
    """The demo's expert pool, which the 专家论证 of needs and the review round draw on."""
    fields = {f.code: f for f in FieldOfStudy.objects.all()}
    for username, name, unit, county, title, codes, keywords in EXPERTS:
        if Expert.objects.filter(user__username=username).exists():
            continue
        expert = services.save_expert(
            actor=admin,
            expert=None,
            values={
                "unit_name": unit,
                "county": county,
                "title": title,
                "keywords": keywords,
                "profile": f"{name}，{unit}{title}，长期从事{keywords.replace(' ', '、')}研究。",
                "past_work": "\n".join(f"{k}关键技术研究" for k in keywords.split()),
                "load_cap": 6,
            },
            fields=[fields[c] for c in codes],
            user_values={"username": username, "full_name": name, "email": f"{username}@demo.stplan.local"},
        )
        expert.user.set_password(PASSWORD)
        expert.user.save(update_fields=["password"])


def load_review_demo(*, guide, admin: User, today) -> ReviewRound:
    """The first review round, over six 方向 and 方向1's 揭榜 teams."""
    load_review_defaults(guide=guide)
    review_round = ReviewRound.objects.filter(guide=guide).first()
    if review_round is None:
        review_round = ReviewRound.objects.create(
            guide=guide,
            name="2022年度科技计划项目专家评审（第一批）",
            experts_per_application=3,
            max_experts_per_unit=1,
            due_at=timezone.now() + timedelta(days=14),
        )
        review_round.directions.set(guide.directions.filter(number__in=[1, 22, 25, 36, 38, 15, 35]))
        services.propose_assignment(review_round=review_round, actor=admin)
        services.publish(review_round=review_round, actor=admin)
        _some_scores(review_round)
    return review_round


def _some_scores(review_round: ReviewRound) -> None:
    """A few experts have already confirmed and scored, one has declared a conflict."""
    # The 揭榜 teams are scored in full by the 揭榜挂帅 demo.
    tasks = list(
        Assignment.objects.filter(round=review_round, application__challenge_item__isnull=True)
        .select_related("expert__user")
        .order_by("pk")
    )
    for index, task in enumerate(tasks):
        expert_user = task.expert.user
        if index % 4 == 3:
            continue  # still waiting for this expert
        services.confirm_no_conflict(assignment=task, actor=expert_user, pledge=True, no_conflict=True)
        if index % 4 == 2:
            continue  # confirmed, scoring not yet submitted
        sheet = sheet_for(review_round, task.application)
        base = 0.6 + 0.05 * (task.application_id % 5) + 0.02 * (index % 3)
        services.save_review(
            assignment=task,
            actor=expert_user,
            scores={c["code"]: min(c["max"], round(c["max"] * base)) for c in sheet.criteria},
            comments={c["code"]: f"{c['label']}：总体较好，建议进一步细化。" for c in sheet.criteria},
            overall_comment="项目目标明确，技术路线基本可行。",
            recommendation="fund" if base > 0.75 else "may_fund",
            submit=True,
        )
    task = Assignment.objects.filter(
        round=review_round, status=AssignmentStatus.PUBLISHED, application__challenge_item__isnull=True
    ).first()
    if task is not None:
        services.declare_conflict(
            assignment=task,
            actor=task.expert.user,
            kind="collaborator",
            reason="近三年与项目负责人合作发表论文。",
        )
