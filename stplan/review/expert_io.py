"""The expert pool as xlsx: a documented template, import with per-row errors, export."""

from dataclasses import dataclass
from io import BytesIO

from django.core.validators import validate_email
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from stplan import spreadsheets
from stplan.eligibility.identifiers import uscc_problem
from stplan.errors import ServiceError
from stplan.review import services
from stplan.review.models import Expert
from stplan.spreadsheets import append_row
from stplan.taxonomy.models import FieldOfStudy

COLUMNS = [
    ("username", "用户名", True, "登录用户名，字母数字，已存在则更新该专家"),
    ("full_name", "姓名", True, ""),
    ("email", "邮箱", True, ""),
    ("phone", "手机号码", False, ""),
    ("unit_name", "工作单位", True, ""),
    ("unit_credit_code", "单位统一社会信用代码", False, "18位，用于自动回避本单位申报的项目"),
    ("county", "县（市、区）", False, "单位所在县（市、区）"),
    ("title", "职称", False, "如：教授、研究员、正高级工程师"),
    ("id_number", "证件号码", False, "用于自动回避本人参与的项目"),
    ("fields", "学科领域代码", False, "多个用逗号分隔，见“学科领域”工作表"),
    ("keywords", "关键词", False, ""),
    ("profile", "个人简介", False, ""),
    ("past_work", "代表性项目和论文", False, "每行一个题目"),
    ("load_cap", "每轮评审上限", False, "整数，默认15"),
    ("available", "可参加评审", False, "是/否，默认是"),
    ("enabled", "启用", False, "是/否，默认是"),
]


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "专家"
    append_row(sheet, [f"{label}{'（必填）' if required else ''}" for _c, label, required, _h in COLUMNS])
    append_row(sheet, [hint for *_x, hint in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18
    fields = book.create_sheet("学科领域")
    append_row(fields, ["代码", "名称", "上级领域"])
    for f in FieldOfStudy.objects.select_related("parent").order_by("code"):
        append_row(fields, [f.code, f.name, f.parent.name if f.parent_id else ""])
    return _save(book)


def export(experts) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "专家"
    append_row(sheet, [f"{label}{'（必填）' if required else ''}" for _c, label, required, _h in COLUMNS])
    append_row(sheet, [hint for *_x, hint in COLUMNS])
    for e in experts.select_related("user").prefetch_related("fields"):
        append_row(
            sheet,
            [
                e.user.username,
                e.user.full_name,
                e.user.email,
                e.user.phone,
                e.unit_name,
                e.unit_credit_code,
                e.county,
                e.title,
                e.id_number,
                ",".join(f.code for f in e.fields.all()),
                e.keywords,
                e.profile,
                e.past_work,
                e.load_cap,
                "是" if e.available else "否",
                "是" if e.enabled else "否",
            ],
        )
    return _save(book)


def _save(book) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class ImportResult:
    created: int
    updated: int


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _yes_no(value: str, default: bool, label: str, errors: list[str]) -> bool:
    if value == "":
        return default
    if value in ("是", "否"):
        return value == "是"
    errors.append(f"“{label}”应填“是”或“否”")
    return default


def import_experts(*, actor, content: bytes) -> ImportResult:
    """All rows or none: any row with a problem stops the import, and every problem is listed."""
    read = spreadsheets.read_rows(content, first_row=3)
    codes = {f.code: f for f in FieldOfStudy.objects.all()}
    rows, problems = [], []
    for number, raw in read:
        values = {
            c: _text(v) for (c, *_r), v in zip(COLUMNS, list(raw) + [None] * len(COLUMNS), strict=False)
        }
        if not any(values.values()):
            continue
        errors: list[str] = []
        for column, label, required, _hint in COLUMNS:
            if required and not values[column]:
                errors.append(f"缺少“{label}”")
        if values["email"]:
            try:
                validate_email(values["email"])
            except Exception:
                errors.append("邮箱格式不正确")
        if values["unit_credit_code"] and (problem := uscc_problem(values["unit_credit_code"].upper())):
            errors.append(f"单位统一社会信用代码{problem}")
        unknown = [
            c for c in filter(None, (x.strip() for x in values["fields"].split(","))) if c not in codes
        ]
        if unknown:
            errors.append(f"学科领域代码不存在：{'、'.join(unknown)}")
        cap = 15
        if values["load_cap"]:
            if values["load_cap"].isdigit() and 1 <= int(values["load_cap"]) <= 200:
                cap = int(values["load_cap"])
            else:
                errors.append("“每轮评审上限”应为1到200的整数")
        available = _yes_no(values["available"], True, "可参加评审", errors)
        enabled = _yes_no(values["enabled"], True, "启用", errors)
        if errors:
            problems.append(f"第{number}行：" + "；".join(errors))
            continue
        rows.append((values, cap, available, enabled))
    if problems:
        raise ServiceError("导入未完成，请修改后重新上传：\n" + "\n".join(spreadsheets.listed(problems)))
    if not rows:
        raise ServiceError("文件中没有专家数据（从第3行开始填写）。")
    created = updated = 0
    with transaction.atomic():
        for values, cap, available, enabled in rows:
            existing = Expert.objects.filter(user__username=values["username"]).first()
            services.save_expert(
                actor=actor,
                expert=existing,
                values={
                    **{
                        k: values[k]
                        for k in (
                            "unit_name",
                            "county",
                            "title",
                            "id_number",
                            "keywords",
                            "profile",
                            "past_work",
                        )
                    },
                    "unit_credit_code": values["unit_credit_code"].upper(),
                    "load_cap": cap,
                    "available": available,
                    "enabled": enabled,
                },
                fields=[codes[c.strip()] for c in values["fields"].split(",") if c.strip()],
                user_values={k: values[k] for k in ("username", "full_name", "email", "phone")},
            )
            created, updated = (created, updated + 1) if existing else (created + 1, updated)
    return ImportResult(created, updated)
