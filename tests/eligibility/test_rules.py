"""Rule messages that name the city take it from the guide, not from the code."""

from importlib import resources

import yaml

from stplan.eligibility.engine import check_application
from stplan.eligibility.facts import Application
from stplan.eligibility.guide import Guide
from tests.eligibility.builders import GUIDE, eligible

RAW = yaml.safe_load(
    (resources.files("stplan.eligibility") / "data" / "guilin-2022.yaml").read_text(encoding="utf-8")
)
LIUZHOU = Guide.model_validate({**RAW, "city": "柳州市"})


def _messages(data: dict, guide: Guide) -> list[tuple[str, str]]:
    result = check_application(Application.model_validate(data), guide)
    return [(f.rule, f.message) for f in result.findings if f.severity == "error"]


def test_lead_in_guilin_message_names_the_guides_city():
    data = eligible(28, lead__name="某某科技有限公司", lead__in_guilin=False)
    assert _messages(data, GUIDE) == [
        ("lead_in_guilin", "本方向申报单位应在桂林市注册，牵头单位“某某科技有限公司”未在桂林市注册。")
    ]
    assert _messages(data, LIUZHOU) == [
        ("lead_in_guilin", "本方向申报单位应在柳州市注册，牵头单位“某某科技有限公司”未在柳州市注册。")
    ]


def test_leader_talent_category_message_names_the_guides_city():
    data = eligible(3, leader__talent_category=5)
    assert _messages(data, LIUZHOU) == [
        (
            "leader_talent_category",
            "项目负责人须符合柳州市高层次人才分类目录第4类以上（含）认定条件，项目负责人为第5类人才。",
        )
    ]
