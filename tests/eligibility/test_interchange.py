"""Reading the 申报数据交换格式 v1: the three file shapes, and every input problem as one
Chinese line naming the application and the key path."""

import json

import pytest

from stplan.eligibility.interchange import InputError, read_batch, read_batch_file
from tests.factories import ApplicationData, OrganizationData


def dumps(document) -> str:
    return json.dumps(document, ensure_ascii=False)


def problems_of(raw) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_batch(raw)
    return caught.value.problems


def test_read_batch_single_object_is_one_application():
    batch = read_batch(dumps(ApplicationData(id="A-001")))

    assert [a.id for a in batch.applications] == ["A-001"]
    assert batch.guide.slug == "guilin-2022"


def test_read_batch_list_keeps_input_order():
    document = [ApplicationData(id=i) for i in ("A-003", "A-001", "A-002")]

    batch = read_batch(dumps(document))

    assert [a.id for a in batch.applications] == ["A-003", "A-001", "A-002"]


def test_read_batch_guide_and_applications_object():
    document = {
        "guide": "guilin-2022",
        "applications": [ApplicationData(id="A-001"), ApplicationData(id="A-002")],
    }

    batch = read_batch(dumps(document))

    assert [a.id for a in batch.applications] == ["A-001", "A-002"]
    assert batch.guide.slug == "guilin-2022"


def test_read_batch_empty_list_is_empty_batch():
    assert read_batch("[]").applications == []


def test_read_batch_reads_facts_as_given():
    data = ApplicationData(id="A-001", direction=25, funding__requested=50_000, attachments=["id_card"])

    app = read_batch(dumps(data)).applications[0]

    assert (app.direction, app.funding.requested, app.attachments) == (25, 50_000, frozenset({"id_card"}))
    assert app.leader.id_number == data["leader"]["id_number"]


def test_read_batch_unknown_keys_ignored():
    data = ApplicationData(id="A-001")
    data["priority_note"] = "x"
    data["lead"]["website"] = "https://example.org"

    assert [a.id for a in read_batch(dumps(data)).applications] == ["A-001"]


def test_read_batch_bytes_with_utf8_bom():
    raw = "\ufeff".encode() + dumps(ApplicationData(id="A-001")).encode()

    assert [a.id for a in read_batch(raw).applications] == ["A-001"]


def test_read_batch_file_reads_path(tmp_path):
    path = tmp_path / "apps.json"
    path.write_text(dumps([ApplicationData(id="A-001")]), encoding="utf-8")

    assert [a.id for a in read_batch_file(str(path)).applications] == ["A-001"]


def _without(data: dict, *path: str) -> dict:
    target = data
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return data


def _with(data: dict, value, *path) -> dict:
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(
            _without(ApplicationData(id="A-017"), "leader", "id_number"),
            "A-017: leader.id_number: 缺少必填项",
            id="missing-leader-id-number",
        ),
        pytest.param(
            _without(ApplicationData(id="A-017"), "funding", "requested"),
            "A-017: funding.requested: 缺少必填项",
            id="missing-requested",
        ),
        pytest.param(
            _without(ApplicationData(id="A-017"), "submitted_at"),
            "A-017: submitted_at: 缺少必填项",
            id="missing-submitted-at",
        ),
        pytest.param(
            _without(
                ApplicationData(id="A-017", partners=[OrganizationData()]), "partners", 0, "credit_code"
            ),
            "A-017: partners[0].credit_code: 缺少必填项",
            id="missing-partner-credit-code",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), "300000", "funding", "requested"),
            "A-017: funding.requested: 应为整数",
            id="string-for-int",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), "6", "direction"),
            "A-017: direction: 应为整数",
            id="string-direction",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), 300000.5, "funding", "matching"),
            "A-017: funding.matching: 应为整数",
            id="float-for-int",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), True, "duration_years"),
            "A-017: duration_years: 应为整数",
            id="bool-for-int",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), "true", "lead", "in_guilin"),
            "A-017: lead.in_guilin: 应为布尔值 true 或 false",
            id="string-for-bool",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), 2, "title"),
            "A-017: title: 应为字符串",
            id="int-for-string",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), -1, "funding", "requested"),
            "A-017: funding.requested: 不能小于0",
            id="negative-money",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), 19900615, "leader", "birth_date"),
            "A-017: leader.birth_date: 应为日期 YYYY-MM-DD",
            id="number-for-date",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), "2022-02-30", "leader", "birth_date"),
            "A-017: leader.birth_date: 应为日期 YYYY-MM-DD",
            id="impossible-date",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), "enterprise", "partners"),
            "A-017: partners: 应为数组",
            id="string-for-list",
        ),
        pytest.param(
            _with(ApplicationData(id="A-017"), 99, "direction"),
            "A-017: direction: 申报指南 guilin-2022 中没有方向99",
            id="unknown-direction",
        ),
        pytest.param(
            _without(ApplicationData(), "id"),
            "第1项申报: id: 缺少必填项",
            id="missing-id",
        ),
    ],
)
def test_read_batch_bad_application_names_id_and_key_path(document, expected):
    assert problems_of(dumps(document)) == [expected]


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        (("submitted_at",), "1652148000", "submitted_at"),
        (("leader", "arrived_in_guilin_on"), "1609459200", "leader.arrived_in_guilin_on"),
    ],
    ids=["unix-time-for-submitted-at", "unix-time-for-arrival-date"],
)
def test_read_batch_digits_for_date_or_time_is_input_error(path, value, key):
    # Dates are YYYY-MM-DD and times YYYY-MM-DDTHH:MM:SS: a run of digits is not read as Unix time.
    (problem,) = problems_of(dumps(_with(ApplicationData(id="A-017"), value, *path)))

    assert problem.startswith(f"A-017: {key}: ")


def test_read_batch_duplicate_id_is_input_error():
    document = [ApplicationData(id="A-017"), ApplicationData(id="A-018"), ApplicationData(id="A-017")]

    assert problems_of(dumps(document)) == ["A-017: id: 与前面的申报重复，id 在文件中须唯一"]


def test_read_batch_lists_every_problem_in_order():
    document = [
        _without(ApplicationData(id="A-001"), "leader", "id_number"),
        ApplicationData(id="A-002"),
        _with(ApplicationData(id="A-003"), "x", "funding", "requested"),
        "not an application",
    ]

    assert problems_of(dumps(document)) == [
        "A-001: leader.id_number: 缺少必填项",
        "A-003: funding.requested: 应为整数",
        "第4项申报: 应为对象",
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"id": "A-017",', "JSON 格式错误：第1行第16列：键名应使用双引号"),
        ('[\n  {"id": "A-017"}\n  {"id": "A-018"}\n]', "JSON 格式错误：第3行第3列：缺少逗号"),
        ("", "JSON 格式错误：第1行第1列：此处应有一个值"),
        ('{"id": "A-017"} x', "JSON 格式错误：第1行第17列：JSON 之后还有多余内容"),
    ],
    ids=["truncated", "missing-comma", "empty", "extra-data"],
)
def test_read_batch_bad_json_names_line_column_and_reason_in_chinese(raw, expected):
    assert problems_of(raw) == [expected]


def test_read_batch_not_utf8_is_input_error():
    assert problems_of("申报".encode("gbk")) == ["文件不是 UTF-8 编码的文本"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("42", '文件内容应为一个申报对象、申报对象的数组，或 {"guide": …, "applications": […]}'),
        ('{"guide": "guilin-2022", "applications": {}}', "applications: 应为数组"),
        ('{"guide": 2022, "applications": []}', "guide: 应为字符串"),
    ],
)
def test_read_batch_bad_file_shape_is_input_error(document, expected):
    assert problems_of(document) == [expected]


def test_read_batch_unknown_guide_is_input_error():
    assert problems_of(dumps({"guide": "guilin-2099", "applications": []})) == [
        "没有名为 guilin-2099 的申报指南（现有：guilin-2022）"
    ]


def test_read_batch_file_missing_is_input_error(tmp_path):
    with pytest.raises(InputError) as caught:
        read_batch_file(str(tmp_path / "absent.json"))

    assert caught.value.problems == [f"无法读取文件 {tmp_path / 'absent.json'}：文件不存在"]


def test_read_batch_unknown_code_lists_the_allowed_codes_in_chinese():
    data = _with(ApplicationData(id="A-017"), "company", "lead", "kind")

    assert problems_of(dumps(data)) == [
        "A-017: lead.kind: 取值无效（'company'），可选：'enterprise'、'university'、'institute'、"
        "'hospital'、'government'、'social_org'、'other'"
    ]


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-05:00", "0001-01-01T01:00:00+14:00"])
def test_read_batch_time_beyond_the_calendar_is_input_error(moment):
    data = _with(ApplicationData(id="A-017"), moment, "submitted_at")

    assert problems_of(dumps(data)) == ["A-017: submitted_at: 时间超出可表示的范围"]
