from django.template import Context, Template
from django.utils import translation

from stplan.amounts import yuan


def test_yuan_whole_wan_in_chinese():
    with translation.override("zh-hans"):
        assert yuan(5_000_000) == "500万元"


def test_yuan_fraction_of_a_wan_in_chinese():
    with translation.override("zh-hans"):
        assert yuan(52_500) == "5.25万元"


def test_yuan_below_a_wan_stays_in_yuan():
    with translation.override("zh-hans"):
        assert yuan(8_000) == "8000元"


def test_yuan_in_english_has_separators():
    with translation.override("en"):
        assert yuan(5_000_000) == "¥5,000,000"


def test_yuan_missing_amount_is_a_dash():
    assert yuan(None) == "—"


def test_yuan_is_a_builtin_of_every_template():
    with translation.override("zh-hans"):
        assert Template("{{ a|yuan }}").render(Context({"a": 1_200_000})) == "120万元"
