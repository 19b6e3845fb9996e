"""Factories for application facts, in the interchange format's shape.

Valid identifiers are made with python-stdnum's check-digit functions, independent of
stplan's own, so a broken check in stplan cannot make its own test data look valid.
"""

import itertools
from datetime import date

import factory
from stdnum.cn import ric, uscc

from stplan.eligibility.facts import Application

_serial = itertools.count(1)


def credit_code(body: str | None = None) -> str:
    """A valid 统一社会信用代码; `body` gives the first 17 characters."""
    body = body or f"9145030{next(_serial):010d}"
    return body + uscc.calc_check_digit(body)


def resident_id(born: date, region: str = "450302", serial: str = "123") -> str:
    body = f"{region}{born:%Y%m%d}{serial}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


class OrganizationData(factory.DictFactory):
    name = factory.Sequence(lambda n: f"桂林市测试企业{n}有限公司")
    credit_code = factory.LazyFunction(credit_code)
    kind = "enterprise"
    in_guilin = True
    province = "广西壮族自治区"
    county = "七星区"
    qualifications = factory.LazyFunction(list)
    rd_expense_last_year = 1_000_000
    revenue_last_year = 10_000_000
    matching = None


class PersonData(factory.DictFactory):
    name = factory.Sequence(lambda n: f"测试人员{n}")
    id_type = "resident_id"
    id_number = factory.LazyFunction(lambda: resident_id(date(1990, 6, 15)))
    degree = "doctorate"
    discipline = "engineering"
    title = "intermediate"
    arrived_in_guilin_on = date(2021, 1, 1).isoformat()
    talent_category = None
    foreign_expert_class = None
    core_member = True


class FundingData(factory.DictFactory):
    requested = 300_000
    matching = 900_000


class ApplicationData(factory.DictFactory):
    id = factory.Sequence(lambda n: f"A-{n:04d}")
    direction = 6
    track = None
    title = "测试项目"
    summary = "研究内容摘要"
    submitted_at = "2022-05-10T10:00:00"
    duration_years = 2
    lead = factory.SubFactory(OrganizationData)
    partners = factory.LazyFunction(list)
    leader = factory.SubFactory(PersonData)
    team = factory.LazyFunction(list)
    subprojects = 1
    funding = factory.SubFactory(FundingData)
    outcomes = None
    attachments = factory.LazyFunction(list)
    recommended_by = None


def application(**overrides) -> Application:
    return Application.model_validate(ApplicationData(**overrides))
