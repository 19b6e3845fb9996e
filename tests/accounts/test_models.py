from stplan.accounts.models import Unit


def test_unit_in_city_compares_its_registered_city_with_the_one_given():
    unit = Unit(city=" 桂林市 ")
    assert unit.in_city("桂林市") is True
    assert unit.in_city("柳州市") is False
