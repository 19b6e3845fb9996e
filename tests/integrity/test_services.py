"""查重 in the system: a run over the batch, officers' decisions through the kernel, 立项 kept
from confirmed duplicates, the registry of projects funded elsewhere."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from stplan.applications import services as application_services
from stplan.applications.selectors import latest_content, system_records
from stplan.eligibility.rules import Sanction
from stplan.errors import ServiceError
from stplan.funding import services as funding_services
from stplan.funding.models import PlanEvent
from stplan.integrity import exports, selectors, services
from stplan.integrity.models import (
    FundedElsewhere,
    PairEvent,
    PairStatus,
    SanctionEntry,
    ScanRun,
    SimilarPair,
)
from stplan.spreadsheets import append_row
from tests.world import (
    BureauAdminFactory,
    LeaderFactory,
    OfficerFactory,
    UnitFactory,
    open_guide,
    passed_25,
    scored_round,
    submitted_25,
)

pytestmark = pytest.mark.django_db

OWN_SECTION = "国外智力引进与人才科"  # manages 方向25
SUMMARY = "针对永福县罗汉果加工企业提取得率低、能耗高、产品同质化的问题，本项目拟采用膜分离与大孔树脂联用工艺开展系统研究，建设年处理鲜果两千吨的示范生产线一条。"
CONTENT = "以鲜果和干果为原料，比较微波辅助提取、超声波提取和酶解法对甜苷V得率和纯度的影响，确定最优工艺参数；开发罗汉果低糖饮料、代糖颗粒和果渣膳食纤维三个新产品。"
OTHER_SUMMARY = "针对桂林桂花产业鲜花利用率低、精油得率不高的问题，本项目拟采用超临界二氧化碳萃取工艺开展研究，建设桂花精油中试生产线一条，年加工鲜花五百吨。"
OTHER_CONTENT = "比较不同采收期和预处理方式对桂花精油香气成分的影响，利用气相色谱质谱联用解析主要呈香物质；开发桂花纯露、桂花面霜和桂花茶三个新产品。"


@pytest.fixture
def guide():
    return open_guide()


@pytest.fixture
def staff():
    return BureauAdminFactory()


def _submitted(guide, title, summary=SUMMARY, content=CONTENT):
    return submitted_25(guide=guide, title=title, summary=summary, research_content=content)


def test_scan_finds_a_resubmitted_text_and_not_a_different_project(guide, staff):
    first = _submitted(guide, "罗汉果甜苷绿色提取关键技术研究")
    copy = _submitted(guide, "罗汉果甜苷提取纯化技术集成与示范")
    _submitted(guide, "桂花精油超临界萃取技术研究", OTHER_SUMMARY, OTHER_CONTENT)

    run = services.scan(guide=guide, actor=staff)

    assert (run.texts, run.pairs) == (3, 1)
    [pair] = SimilarPair.objects.all()
    assert (pair.application, pair.earlier, pair.registered, pair.status) == (
        copy,
        first,
        None,
        PairStatus.PENDING,
    )
    assert 0.8 < pair.similarity < 1
    assert (pair.application_version, pair.earlier_version) == (1, 1)
    shared = [pair.application_text[s:e] for s, e in pair.application_spans]
    assert any("示范生产线一条" in passage for passage in shared)
    assert [pair.other_text[s:e] for s, e in pair.other_spans][-1] == shared[-1]
    assert [(e.action, e.actor) for e in PairEvent.objects.filter(pair=pair)] == [("find", staff)]


def test_scan_again_keeps_the_officers_decision(guide, staff):
    _submitted(guide, "罗汉果甜苷绿色提取关键技术研究")
    _submitted(guide, "罗汉果甜苷提取纯化技术集成与示范")
    services.scan(guide=guide, actor=staff)
    pair = SimilarPair.objects.get()
    services.decide(pair=pair, action="mark_distinct", actor=staff, reason="两项目研究对象不同")

    services.scan(guide=guide, actor=staff)

    pair = SimilarPair.objects.get()
    assert (pair.status, pair.stale) == (PairStatus.DISTINCT, False)
    assert ScanRun.objects.count() == 2
    assert [e.action for e in pair.events.all()] == ["find", "mark_distinct"]


def test_scan_marks_a_pair_it_no_longer_finds_as_stale(guide, staff):
    _submitted(guide, "罗汉果甜苷绿色提取关键技术研究")
    copy = _submitted(guide, "罗汉果甜苷提取纯化技术集成与示范")
    services.scan(guide=guide, actor=staff)
    application_services.transition(application=copy, action="withdraw", actor=copy.leader)

    services.scan(guide=guide, actor=staff)

    pair = SimilarPair.objects.get()
    assert pair.stale is True
    assert list(selectors.report(staff, guide=guide, params={})) == []
    assert list(selectors.report(staff, guide=guide, params={"stale": "1"})) == [pair]


def test_scan_compares_with_projects_funded_elsewhere(guide, staff):
    application = _submitted(guide, "罗汉果甜苷绿色提取关键技术研究")
    funded = FundedElsewhere.objects.create(
        unit_name="永福县某公司",
        title="罗汉果甜苷提取关键技术",
        summary=SUMMARY + CONTENT,
        year=2021,
        funder="自治区科技计划",
        amount=500_000,
        imported_by=staff,
    )

    services.scan(guide=guide, actor=staff)

    pair = SimilarPair.objects.get()
    assert (pair.application, pair.earlier, pair.registered) == (application, None, funded)
    assert pair.other_text == funded.text


def test_scan_only_by_bureau_staff(guide):
    with pytest.raises(ServiceError, match="只有科技局经办人可以进行查重"):
        services.scan(guide=guide, actor=LeaderFactory())


def _pair(guide, staff):
    _submitted(guide, "罗汉果甜苷绿色提取关键技术研究")
    _submitted(guide, "罗汉果甜苷提取纯化技术集成与示范")
    services.scan(guide=guide, actor=staff)
    return SimilarPair.objects.get()


def test_decide_needs_a_reason_and_moves_through_the_kernel(guide, staff):
    pair = _pair(guide, staff)
    with pytest.raises(ServiceError, match="重复申报须填写理由"):
        services.decide(pair=pair, action="mark_duplicate", actor=staff, reason=" ")
    with pytest.raises(ServiceError, match="不能准予立项"):
        services.decide(pair=pair, action="allow", actor=staff, reason="理由")

    services.decide(pair=pair, action="mark_duplicate", actor=staff, reason="同一项目换名称重复申报")
    pair = services.decide(pair=pair, action="allow", actor=staff, reason="后期项目，指南允许")

    assert pair.status == PairStatus.ALLOWED
    assert [(e.action, e.from_status, e.to_status, e.reason) for e in pair.events.all()][1:] == [
        ("mark_duplicate", "pending", "duplicate", "同一项目换名称重复申报"),
        ("allow", "duplicate", "allowed", "后期项目，指南允许"),
    ]


def test_decide_by_the_applications_section_only(guide, staff):
    pair = _pair(guide, staff)
    with pytest.raises(ServiceError, match="该申报不属于您所在科室管理的方向"):
        services.decide(
            pair=pair, action="mark_duplicate", actor=OfficerFactory(section="农业农村科技科"), reason="x"
        )
    with pytest.raises(ServiceError, match="请选择处理结论"):
        services.decide(pair=pair, action="fund", actor=staff, reason="x")
    pair = services.decide(
        pair=pair, action="mark_duplicate", actor=OfficerFactory(section=OWN_SECTION), reason="x"
    )
    assert pair.status == PairStatus.DUPLICATE


def _duplicate_in_round(guide):
    """A scored round of two applications with one text (the world's default 申报书), the
    later one confirmed a duplicate of the earlier."""
    current, (first, later), staff = scored_round(guide, [90, 80])
    services.scan(guide=guide, actor=staff)
    pair = SimilarPair.objects.get()
    assert (pair.application, pair.earlier) == (later, first)
    return current, first, later, staff, pair


def test_confirmed_duplicate_is_left_out_of_a_new_plan(guide):
    current, first, later, staff, pair = _duplicate_in_round(guide)
    services.decide(pair=pair, action="mark_duplicate", actor=staff, reason="同一申报书")

    plan = funding_services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)

    assert list(plan.items.values_list("application_id", flat=True)) == [first.pk]
    assert PlanEvent.objects.get(plan=plan, action="create").payload["duplicates"] == [later.number]
    with pytest.raises(ServiceError, match="不在本方案中"):
        funding_services.change_item(plan=plan, actor=staff, application=later, selected=True)


def test_confirmed_duplicate_stops_publicity_and_final_decision_until_allowed(guide):
    current, first, later, staff, pair = _duplicate_in_round(guide)
    plan = funding_services.create_plan(actor=staff, review_round=current, name="方案", total_budget=100_000)
    assert plan.items.filter(selected=True).count() == 2
    services.decide(pair=pair, action="mark_duplicate", actor=staff, reason="同一申报书")

    with pytest.raises(ServiceError, match=f"{later.number}经查重确认为重复申报（与{first.number}"):
        funding_services.publicize(plan=plan, actor=staff)
    funding_services.change_item(plan=plan, actor=staff, application=later, selected=False)
    with pytest.raises(ServiceError, match="不能立项；如确需立项，须在查重报告中填写理由准予立项"):
        funding_services.change_item(plan=plan, actor=staff, application=later, selected=True)

    services.decide(pair=pair, action="allow", actor=staff, reason="经核实为同一项目的两个子课题")
    funding_services.change_item(plan=plan, actor=staff, application=later, selected=True)
    plan = funding_services.publicize(plan=plan, actor=staff, days=1)
    services.decide(pair=pair, action="mark_duplicate", actor=staff, reason="复核后仍为重复")
    with pytest.raises(ServiceError, match="经查重确认为重复申报"):
        funding_services.finalize(plan=plan, actor=staff, now=plan.publicity_ends + timedelta(minutes=1))


def test_export_lists_the_batchs_pairs(guide, staff):
    pair = _pair(guide, staff)
    book = load_workbook(BytesIO(_saved(exports.pairs_xlsx(selectors.report(staff, guide=guide, params={})))))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:6] == ("相似度", "申报编号", "方向", "项目名称", "牵头单位", "相似的申报或项目")
    assert rows[1][:3] == (round(pair.similarity, 4), pair.application.number, 25)
    assert rows[1][5:7] == (pair.earlier.number, pair.earlier.title)
    assert rows[1][9] == "待核实"
    assert len(rows) == 2


def _saved(book: Workbook) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _registry_file(rows) -> bytes:
    book = exports.registry_template()
    for row in rows:
        append_row(book.active, row)
    return _saved(book)


def test_registry_import_reads_the_template_and_updates_known_projects(staff):
    content = _registry_file(
        [
            ("桂林某大学", "张三", "罗汉果甜苷提取", "摘要", 2021, "自治区科技计划", 500000),
            ("桂林某公司", "", '=HYPERLINK("x")', "", "2020", "国家自然科学基金", None),
        ]
    )
    assert services.import_registry(actor=staff, content=content) == 2
    assert services.import_registry(actor=staff, content=content) == 2
    assert FundedElsewhere.objects.count() == 2
    formula = FundedElsewhere.objects.get(year=2020)
    assert (formula.title, formula.amount, formula.funder) == ('=HYPERLINK("x")', None, "国家自然科学基金")


def test_registry_import_refuses_a_bad_file_whole(staff):
    content = _registry_file(
        [
            ("桂林某大学", "张三", "罗汉果甜苷提取", "摘要", 2021, "自治区科技计划", 500000),
            ("", "", "无单位", "", "二〇二一", "", -3),
            ("桂林某大学", "", "年度不对", "", "21", "自治区", "五万"),
        ]
    )
    with pytest.raises(ServiceError) as refused:
        services.import_registry(actor=staff, content=content)
    assert str(refused.value) == (
        "导入失败，未导入任何项目：第4行：缺少承担单位、资助来源；第5行：立项年度应为四位年份，如 2021"
    )
    assert FundedElsewhere.objects.count() == 0
    with pytest.raises(ServiceError, match="请上传按模板填写的 Excel"):
        services.import_registry(actor=staff, content=b"not a workbook")
    with pytest.raises(ServiceError, match="只有局管理员可以导入"):
        services.import_registry(actor=OfficerFactory(), content=content)


def test_passed_application_text_has_its_indicators(guide):
    application = passed_25(guide)
    text = selectors.application_text(latest_content(application))
    assert text.splitlines()[0] == application.title
    assert text.splitlines()[-1].startswith("新技术")


def _sanctions_file(rows) -> bytes:
    book = exports.sanctions_template()
    for row in rows:
        append_row(book.active, row)
    return _saved(book)


def test_sanctions_import_reads_the_template_and_feeds_the_credit_rule(staff):
    unit = UnitFactory()
    content = _sanctions_file(
        [
            ("单位", unit.name, unit.credit_code.lower(), "2021/6/30", "", "自治区科技厅", "项目验收不通过"),
            (
                "个人",
                "李四",
                "450305199001011231",
                date(2020, 1, 2),
                "2025-01-01",
                "信用中国",
                "科研失信行为",
            ),
        ]
    )
    assert services.import_sanctions(actor=staff, content=content) == 2
    assert services.import_sanctions(actor=staff, content=content) == 2

    assert SanctionEntry.objects.count() == 2
    assert set(system_records().sanctions) == {
        Sanction(
            subject=unit.credit_code,
            name=unit.name,
            on=date(2021, 6, 30),
            reason="自治区科技厅认定：项目验收不通过",
        ),
        Sanction(
            subject="450305199001011231",
            name="李四",
            on=date(2020, 1, 2),
            reason="信用中国认定：科研失信行为",
            until=date(2025, 1, 1),
        ),
    }


def test_sanctions_import_refuses_a_bad_file_whole(staff):
    content = _sanctions_file(
        [
            ("单位", "某公司", "91450300MA5KXXXX", "2021-06-30", "", "自治区科技厅", "失信"),
            ("法人", "", "450305199001011232", "去年", "2020-01-01", "", ""),
            ("个人", "王五", "450305199001011231", "2021-06-30", "2021-01-01", "信用中国", "失信"),
        ]
    )
    with pytest.raises(ServiceError) as refused:
        services.import_sanctions(actor=staff, content=content)

    assert str(refused.value).startswith("导入失败，未导入任何失信记录：第3行：统一社会信用代码")
    assert (
        "第4行：主体类型应为“单位”或“个人”；缺少名称或姓名；缺少认定机关；缺少失信行为；认定日期应为日期，如 2021-06-30"
        in str(refused.value)
    )
    assert str(refused.value).endswith("第5行：惩戒截止日期早于认定日期")
    assert SanctionEntry.objects.count() == 0
    with pytest.raises(ServiceError, match="只有局管理员可以导入失信记录"):
        services.import_sanctions(actor=OfficerFactory(), content=content)


def test_sanctions_page_lists_in_pages_and_searches(staff, client):
    content = _sanctions_file(
        [
            ("个人", f"失信人{n:02d}", f"P{n:06d}", "2021-06-30", "", "自治区科技厅", "科研失信行为")
            for n in range(55)
        ]
    )
    services.import_sanctions(actor=staff, content=content)
    client.force_login(staff)

    first = client.get(reverse("integrity:sanctions"), {"sort": "name"}).content.decode()
    searched = client.get(reverse("integrity:sanctions"), {"q": "失信人07"}).content.decode()

    assert ("失信人00" in first, "失信人54" in first, "共 55 项，第 1/2 页" in first) == (True, False, True)
    assert ("失信人07" in searched, "失信人08" in searched) == (True, False)
