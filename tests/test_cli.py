"""`stplan check` and `stplan guide`: the spec's result format, Chinese output, exit 2 with a
Chinese message naming id and key on bad input, never a traceback, no database needed."""

import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest

from stplan.cli import main
from tests.factories import ApplicationData, OrganizationData, resident_id

CJK = re.compile(r"[\u4e00-\u9fff]")
RESULT_KEYS = ["id", "verdict", "fundable_max", "findings"]
FINDING_KEYS = ["rule", "severity", "message", "clause"]


def write(tmp_path, document, name="apps.json") -> str:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(argv, capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def mixed_batch() -> list[dict]:
    """Input order A-003, A-001, A-002; submitted in the order A-001, A-002, A-003."""
    return [
        # eligible, with a 优先支持 hint: its lead has none of the preferred qualifications
        ApplicationData(id="A-003", submitted_at="2022-05-10T12:00:00"),
        # eligible with nothing to say
        ApplicationData(
            id="A-001", submitted_at="2022-05-10T10:00:00", lead__qualifications=["high_tech_enterprise"]
        ),
        # 方向6 限企业牵头申报
        ApplicationData(
            id="A-002",
            submitted_at="2022-05-10T11:00:00",
            lead__kind="university",
            lead__qualifications=["high_tech_enterprise"],
        ),
    ]


# --- stplan check --json ---


def test_cli_check_json_follows_result_format_in_input_order(tmp_path, capsys):
    code, out, err = run(["check", write(tmp_path, mixed_batch()), "--json"], capsys)

    assert (code, err) == (0, "")
    results = json.loads(out)
    assert [r["id"] for r in results] == ["A-003", "A-001", "A-002"]
    assert all(list(r) == RESULT_KEYS for r in results)
    assert all(list(f) == FINDING_KEYS for r in results for f in r["findings"])
    assert all(
        f["severity"] in ("error", "warning") and CJK.search(f["message"])
        for r in results
        for f in r["findings"]
    )
    for r in results:
        has_error = any(f["severity"] == "error" for f in r["findings"])
        assert r["verdict"] == ("ineligible" if has_error else "eligible")

    a3, a1, a2 = results
    assert a1 == {"id": "A-001", "verdict": "eligible", "fundable_max": 300_000, "findings": []}
    assert (a3["verdict"], a3["fundable_max"]) == ("eligible", 300_000)
    assert [(f["rule"], f["severity"], f["clause"]) for f in a3["findings"]] == [
        ("priority", "warning", "方向6 申报要求")
    ]
    assert (a2["verdict"], a2["fundable_max"]) == ("ineligible", 0)
    assert [(f["rule"], f["severity"], f["clause"]) for f in a2["findings"]] == [
        ("lead_kinds", "error", "方向6 申报要求")
    ]


def test_cli_check_json_single_object_file_gives_list_of_one(tmp_path, capsys):
    code, out, _ = run(["check", write(tmp_path, mixed_batch()[1]), "--json"], capsys)

    assert code == 0
    assert json.loads(out) == [
        {"id": "A-001", "verdict": "eligible", "fundable_max": 300_000, "findings": []}
    ]


def test_cli_check_json_guide_and_applications_file(tmp_path, capsys):
    document = {"guide": "guilin-2022", "applications": mixed_batch()}

    code, out, _ = run(["check", write(tmp_path, document), "--json"], capsys)

    assert code == 0
    assert [(r["id"], r["verdict"]) for r in json.loads(out)] == [
        ("A-003", "eligible"),
        ("A-001", "eligible"),
        ("A-002", "ineligible"),
    ]


def test_cli_check_json_guide_option(tmp_path, capsys):
    code, out, _ = run(["check", write(tmp_path, mixed_batch()), "--json", "--guide", "guilin-2022"], capsys)

    assert code == 0
    assert [r["id"] for r in json.loads(out)] == ["A-003", "A-001", "A-002"]


def test_cli_check_json_per_unit_limit_counts_the_file_in_submission_order(tmp_path, capsys):
    unit = OrganizationData()
    attachments = ["id_card", "doctorate_certificate", "guilin_arrival_proof", "matching_commitment"]
    document = [
        ApplicationData(
            id=f"Y-{hour}",
            direction=25,
            lead=unit,
            submitted_at=f"2022-05-10T{hour:02d}:00:00",
            funding__requested=50_000,
            funding__matching=50_000,
            attachments=attachments,
        )
        for hour in (15, 9, 10, 11, 12, 13)
    ]

    code, out, _ = run(["check", write(tmp_path, document), "--json"], capsys)

    assert code == 0
    assert [(r["id"], r["verdict"]) for r in json.loads(out)] == [
        ("Y-15", "ineligible"),
        ("Y-9", "eligible"),
        ("Y-10", "eligible"),
        ("Y-11", "eligible"),
        ("Y-12", "eligible"),
        ("Y-13", "eligible"),
    ]
    assert [(f["rule"], f["clause"]) for f in json.loads(out)[0]["findings"]] == [
        ("per_unit_limit", "方向25 申报要求4")
    ]


def test_cli_check_exit_0_when_every_application_ineligible(tmp_path, capsys):
    document = [ApplicationData(id="A-040", direction=40)]

    code, out, _ = run(["check", write(tmp_path, document), "--json"], capsys)

    assert code == 0
    assert [(f["rule"], f["clause"]) for f in json.loads(out)[0]["findings"]] == [
        ("closed", "方向40 相关要求")
    ]


# --- stplan check, table ---


def test_cli_check_table_is_chinese(tmp_path, capsys):
    batch = mixed_batch()[1:]  # A-001 eligible, A-002 ineligible

    code, out, err = run(["check", write(tmp_path, batch)], capsys)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["申报编号", "方向", "结论", "可资助上限"]
    assert lines[1].split() == ["A-001", "6", "符合", "30万元"]
    assert lines[2].split() == ["A-002", "6", "不符合", "0元"]
    assert lines[3].startswith("    [错误] ") and lines[3].endswith("（方向6 申报要求）")
    assert lines[-1] == "共2项申报：符合1项，不符合1项。"
    assert len(lines) == 5


# --- bad input: exit 2, Chinese message naming id and key, nothing on stdout ---


def _bad(data: dict, *path, value=None, delete=False) -> dict:
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


BAD_INPUTS = [
    pytest.param(
        _bad(ApplicationData(id="A-017"), "leader", "id_number", delete=True),
        "A-017: leader.id_number: 缺少必填项",
        id="missing-key",
    ),
    pytest.param(
        _bad(ApplicationData(id="A-017"), "funding", "requested", value="300000"),
        "A-017: funding.requested: 应为整数",
        id="string-for-int",
    ),
    pytest.param(
        _bad(ApplicationData(id="A-017"), "direction", value=99),
        "A-017: direction: 申报指南 guilin-2022 中没有方向99",
        id="unknown-direction",
    ),
    pytest.param(
        [ApplicationData(id="A-017"), ApplicationData(id="A-017")],
        "A-017: id: 与前面的申报重复，id 在文件中须唯一",
        id="duplicate-id",
    ),
]


@pytest.mark.parametrize(("document", "expected"), BAD_INPUTS)
@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_cli_check_bad_input_exits_2_naming_id_and_key(tmp_path, capsys, document, expected, as_json):
    argv = ["check", write(tmp_path, document)] + (["--json"] if as_json else [])

    code, out, err = run(argv, capsys)

    assert code == 2
    assert out == ""
    assert err.splitlines() == ["申报数据有误，未进行审查：", f"  {expected}"]


def test_cli_check_bad_json_exits_2_with_chinese_message(tmp_path, capsys):
    code, out, err = run(["check", write(tmp_path, '[{"id": "A-017",]'), "--json"], capsys)

    assert (code, out) == (2, "")
    first, second = err.splitlines()
    assert first == "申报数据有误，未进行审查："
    assert second.startswith("  JSON 格式错误：第1行第")


def test_cli_check_missing_file_exits_2(tmp_path, capsys):
    code, out, err = run(["check", str(tmp_path / "absent.json")], capsys)

    assert (code, out) == (2, "")
    assert f"无法读取文件 {tmp_path / 'absent.json'}：" in err


def test_cli_check_unknown_guide_option_exits_2(tmp_path, capsys):
    code, out, err = run(["check", write(tmp_path, mixed_batch()), "--guide", "guilin-2099"], capsys)

    assert (code, out) == (2, "")
    assert "  没有名为 guilin-2099 的申报指南（现有：guilin-2022）" in err.splitlines()


def test_cli_check_without_file_argument_exits_2(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["check"])

    assert caught.value.code == 2
    assert "stplan：参数错误：" in capsys.readouterr().err


def test_cli_check_odd_digit_in_id_number_is_a_finding_not_a_crash(tmp_path, capsys):
    # '²' passes str.isdigit(); the file is well formed, so the number is simply invalid.
    number = resident_id(date(1990, 6, 15))
    document = [ApplicationData(id="A-017", leader__id_number="²" + number[1:])]

    code, out, _ = run(["check", write(tmp_path, document), "--json"], capsys)

    assert code == 0
    (result,) = json.loads(out)
    assert result["verdict"] == "ineligible"
    assert [(f["rule"], f["clause"]) for f in result["findings"] if f["severity"] == "error"] == [
        ("id_number", "GB 11643-1999 公民身份号码")
    ]


# --- stplan guide ---


def test_cli_guide_json_lists_forty_directions(capsys):
    code, out, _ = run(["guide", "guilin-2022", "--json"], capsys)

    assert code == 0
    directions = json.loads(out)
    assert [d["number"] for d in directions] == list(range(1, 41))
    assert [d["number"] for d in directions if not d["accepts_applications"]] == [40]


def test_cli_guide_table_is_chinese(capsys):
    code, out, _ = run(["guide", "guilin-2022"], capsys)

    assert code == 0
    assert out.splitlines()[0] == "2022年度桂林市科技计划项目申报指南"
    assert sum(line.startswith("方向") for line in out.splitlines()) == 40


def test_cli_guide_unknown_slug_exits_2(capsys):
    code, out, err = run(["guide", "guilin-2099"], capsys)

    assert (code, out) == (2, "")
    assert err == "stplan：没有名为 guilin-2099 的申报指南（现有：guilin-2022）\n"


# --- as a separate process, without Django settings or a database ---


def _environment_without_django(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["STPLAN_DATA_DIR"] = str(tmp_path / "data")  # where a database would go, were one made
    return env


def _stplan(tmp_path, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stplan.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        env=_environment_without_django(tmp_path),
        timeout=60,
        check=False,
    )


def test_cli_process_check_json_works_without_django_settings(tmp_path):
    done = _stplan(tmp_path, "check", write(tmp_path, mixed_batch()), "--json")

    assert (done.returncode, done.stderr) == (0, "")
    assert [(r["id"], r["verdict"], r["fundable_max"]) for r in json.loads(done.stdout)] == [
        ("A-003", "eligible", 300_000),
        ("A-001", "eligible", 300_000),
        ("A-002", "ineligible", 0),
    ]
    assert not (tmp_path / "data").exists()


def test_cli_process_bad_input_exits_2_without_traceback(tmp_path):
    document = _bad(ApplicationData(id="A-017"), "leader", "id_number", delete=True)

    done = _stplan(tmp_path, "check", write(tmp_path, document))

    assert (done.returncode, done.stdout) == (2, "")
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == ["申报数据有误，未进行审查：", "  A-017: leader.id_number: 缺少必填项"]


def test_cli_process_odd_digit_in_id_number_has_no_traceback(tmp_path):
    number = resident_id(date(1990, 6, 15))
    document = [ApplicationData(id="A-017", leader__id_number=number[:15] + "²" + number[16:])]

    done = _stplan(tmp_path, "check", write(tmp_path, document))

    assert "Traceback" not in done.stderr
    assert done.returncode == 0


# --- stplan similar ---

ORIGINAL = {
    "id": "S-1",
    "title": "罗汉果甜苷绿色提取与高值化利用关键技术研究",
    "summary": "针对永福县罗汉果加工企业提取得率低、能耗高、产品同质化的问题，本项目拟采用膜分离与大孔树脂联用工艺开展系统研究。",
    "content": "以鲜果和干果为原料，比较微波辅助提取、超声波提取和酶解法对甜苷V得率和纯度的影响，确定最优工艺参数。建设年处理鲜果两千吨的示范生产线一条。",
    "indicators": "开发新产品三个，申请发明专利两件，制定企业标准一项。",
}
RETITLED = {**ORIGINAL, "id": "S-2", "title": "罗汉果甜苷提取纯化技术集成与示范"}
OTHER = {
    "id": "S-3",
    "title": "桂花精油超临界萃取与桂花茶深加工技术研究",
    "summary": "针对桂林桂花产业鲜花利用率低、精油得率不高的问题，本项目拟采用超临界二氧化碳萃取工艺开展研究。",
}


def test_cli_similar_json_follows_result_format(tmp_path, capsys):
    code, out, err = run(["similar", write(tmp_path, [ORIGINAL, OTHER, RETITLED]), "--json"], capsys)

    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["threshold"] == 0.4
    [pair] = result["pairs"]
    assert list(pair) == ["a", "b", "similarity", "shared"]
    assert (pair["a"], pair["b"]) == ("S-1", "S-2")
    assert 0.9 <= pair["similarity"] < 1
    assert any("示范生产线一条" in passage for passage in pair["shared"])


def test_cli_similar_reports_pairs_with_the_file_only(tmp_path, capsys):
    examined = write(tmp_path, [OTHER], "new.json")
    earlier = write(tmp_path, {"guide": "guilin-2022", "applications": [ORIGINAL, RETITLED]}, "old.json")

    code, out, _err = run(["similar", examined, "--against", earlier, "--json"], capsys)

    assert (code, json.loads(out)["pairs"]) == (0, [])
    code, out, _err = run(["similar", earlier, "--against", examined, "--json", "--threshold", "1"], capsys)
    assert [(p["a"], p["b"]) for p in json.loads(out)["pairs"]] == []
    code, out, _err = run(["similar", earlier, "--against", examined, "--json", "--threshold", "0.9"], capsys)
    assert [(p["a"], p["b"]) for p in json.loads(out)["pairs"]] == [("S-1", "S-2")]


def test_cli_similar_table_is_chinese(tmp_path, capsys):
    code, out, _err = run(["similar", write(tmp_path, [ORIGINAL, RETITLED])], capsys)

    assert code == 0
    lines = out.splitlines()
    assert lines[1].split() == ["91%", "S-1", "S-2"]
    assert lines[2].startswith("    相同段落：针对永福县罗汉果加工企业") and lines[2].endswith(
        "制定企业标准一项"
    )
    assert lines[-1] == "共1对疑似重复（相似度不低于40%）。"


def test_cli_similar_malformed_input_exits_2_naming_file_id_and_key(tmp_path, capsys):
    first = write(tmp_path, [{"id": "S-9", "summary": 3}, ORIGINAL], "a.json")
    second = write(tmp_path, [{**ORIGINAL}], "b.json")

    code, out, err = run(["similar", first, "--against", second], capsys)

    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "申报数据有误，未进行查重：",
        f"  {first}: S-9: title: 缺少必填项",
        f"  {first}: S-9: summary: 应为字符串",
        f"  {second}: S-1: id: 与 {first} 中的申报重复，id 在所有文件中须唯一",
    ]


def test_cli_similar_unreadable_file_and_bad_threshold_exit_2(tmp_path, capsys):
    code, _out, err = run(["similar", str(tmp_path / "missing.json")], capsys)
    assert (code, err.splitlines()[-1]) == (
        2,
        f"  {tmp_path / 'missing.json'}: 无法读取文件 {tmp_path / 'missing.json'}：文件不存在",
    )
    with pytest.raises(SystemExit) as exit_info:
        main(["similar", write(tmp_path, [ORIGINAL]), "--threshold", "1.5"])
    assert exit_info.value.code == 2
    assert "阈值应为大于0、不大于1的数" in capsys.readouterr().err


def test_cli_similar_runs_without_django_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "stplan.cli", "similar", write(tmp_path, [ORIGINAL, RETITLED]), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["pairs"][0]["a"] == "S-1"
