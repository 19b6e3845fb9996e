"""Reading the 申报数据交换格式 v1 (shared/spec/application-format.md).

Every input problem becomes one Chinese line naming the application and the key path
(`A-017: leader.id_number: 缺少必填项`), so a file is either read whole or refused with
all its problems listed; nothing half-read reaches the engine.
"""

import errno
import json
from dataclasses import dataclass

from pydantic import ValidationError

from stplan.eligibility.facts import Application
from stplan.eligibility.gc import collector_paused
from stplan.eligibility.guide import Guide, GuideDataError, load_guide_data

DEFAULT_GUIDE = "guilin-2022"
MAX_REPORTED_PROBLEMS = 50

_TYPE_NAMES = {
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为字符串",
    "bool_type": "应为布尔值 true 或 false",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "tuple_type": "应为数组",
    "list_type": "应为数组",
    "frozen_set_type": "应为数组",
    "set_type": "应为数组",
    "date_type": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期 YYYY-MM-DD",
    "datetime_type": "应为时间 YYYY-MM-DDTHH:MM:SS",
    "datetime_parsing": "应为时间 YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "应为时间 YYYY-MM-DDTHH:MM:SS",
    "greater_than_equal": "不能小于{ge}",
    "none_required": "应为 null",
}


_JSON_ERRORS = {
    "Expecting value": "此处应有一个值",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "键名应使用双引号",
    "Unterminated string": "字符串缺少结尾的双引号",
    "Invalid control character": "字符串中有不允许的控制字符",
    "Invalid \\escape": "字符串中有无效的转义",
    "Extra data": "JSON 之后还有多余内容",
}
_OS_ERRORS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EISDIR: "这是一个目录，不是文件",
}


class InputError(Exception):
    """The file could not be read as applications; `problems` are Chinese lines for the user."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Batch:
    guide: Guide
    applications: list[Application]


def read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        reason = _OS_ERRORS.get(exc.errno, exc.strerror)
        raise InputError([f"无法读取文件 {path}：{reason}"]) from exc


def read_batch_file(path: str, *, guide_slug: str | None = None) -> Batch:
    return read_batch(read_file(path), guide_slug=guide_slug)


def read_document(raw: bytes | str) -> tuple[list, str | None]:
    """The application items of a file in the format and the guide it names, if any."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InputError(["文件不是 UTF-8 编码的文本"]) from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        reason = next((zh for en, zh in _JSON_ERRORS.items() if exc.msg.startswith(en)), exc.msg)
        raise InputError([f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列：{reason}"]) from exc
    return _items_and_guide(document)


def read_batch(raw: bytes | str, *, guide_slug: str | None = None) -> Batch:
    items, slug = read_document(raw)
    try:
        guide = load_guide_data(guide_slug or slug or DEFAULT_GUIDE)
    except GuideDataError as exc:
        raise InputError([str(exc)]) from exc
    return Batch(guide, parse_applications(items, guide))


def _items_and_guide(document: object) -> tuple[list, str | None]:
    if isinstance(document, list):
        return document, None
    if not isinstance(document, dict):
        raise InputError(['文件内容应为一个申报对象、申报对象的数组，或 {"guide": …, "applications": […]}'])
    if "applications" not in document:
        return [document], None
    items, slug = document["applications"], document.get("guide")
    if not isinstance(items, list):
        raise InputError(["applications: 应为数组"])
    if slug is not None and not isinstance(slug, str):
        raise InputError(["guide: 应为字符串"])
    return items, slug


def parse_applications(items: list, guide: Guide) -> list[Application]:
    with collector_paused(len(items)):
        return _parse_applications(items, guide)


def _parse_applications(items: list, guide: Guide) -> list[Application]:
    problems: list[str] = []
    applications: list[Application] = []
    seen: set[str] = set()
    for position, item in enumerate(items, start=1):
        name = name_of(item, position)
        if not isinstance(item, dict):
            problems.append(f"{name}: 应为对象")
            continue
        try:
            app = Application.model_validate(item)
        except ValidationError as exc:
            problems.extend(f"{name}: {key_path(e['loc'])}: {problem(e)}" for e in exc.errors())
            continue
        if app.id in seen:
            problems.append(f"{name}: id: 与前面的申报重复，id 在文件中须唯一")
        seen.add(app.id)
        if guide.direction(app.direction) is None:
            problems.append(f"{name}: direction: 申报指南 {guide.slug} 中没有方向{app.direction}")
        applications.append(app)
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(f"……另有{len(problems) - len(shown)}处错误未列出")
        raise InputError(shown)
    return applications


def name_of(item: object, position: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"]:
        return item["id"]
    return f"第{position}项申报"


def key_path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def problem(error: dict) -> str:
    """A pydantic error as the Chinese words for what is wrong with the value."""
    kind = error["type"]
    if kind == "missing":
        return "缺少必填项"
    if kind == "literal_error":
        choices = error["ctx"]["expected"].replace("' or '", "'、'").replace("', '", "'、'")
        return f"取值无效（{error['input']!r}），可选：{choices}"
    if kind in _TYPE_NAMES:
        return _TYPE_NAMES[kind].format(**error.get("ctx", {}))
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return "取值无效"
