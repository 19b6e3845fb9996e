"""The funded projects of one final funding plan in the layout provincial platforms ask for:
项目编号, 名称, 承担单位 and its 统一社会信用代码, 负责人, 起止年限, 资助金额, 资助方式, 考核指标.

One list of rows feeds both the JSON and the xlsx, so the two never disagree. 考核指标 are
the commitments of the submitted 申报书 the project was funded on, labelled from the guide.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from stplan.eligibility import labels
from stplan.eligibility.guide import load_guide_data
from stplan.projects.models import Project
from stplan.spreadsheets import append_row

COLUMNS = [
    ("number", "项目编号", 20),
    ("title", "项目名称", 36),
    ("unit", "承担单位", 30),
    ("credit_code", "统一社会信用代码", 22),
    ("leader", "项目负责人", 12),
    ("starts_on", "开始日期", 12),
    ("ends_on", "结束日期", 12),
    ("amount", "资助金额（元）", 14),
    ("funding_mode", "资助方式", 18),
    ("indicators", "考核指标", 50),
]


def funded_project_rows(plan) -> list[dict]:
    projects = (
        Project.objects.filter(plan_item__plan=plan)
        .select_related("application__lead_unit", "application__leader", "application__guide")
        .order_by("number")
    )
    metrics = load_guide_data(plan.guide.slug).metrics
    rows = []
    for project in projects:
        application = project.application
        version = application.versions.order_by("-number").first()
        committed = version.snapshot.get("indicators", {}) if version else {}
        rows.append(
            {
                "number": project.number,
                "title": application.title,
                "unit": application.lead_unit.name,
                "credit_code": application.lead_unit.credit_code,
                "leader": application.leader.full_name or application.leader.username,
                "starts_on": project.starts_on,
                "ends_on": project.ends_on,
                "amount": project.amount,
                "funding_mode": project.funding_mode,
                "funding_mode_label": labels.FUNDING_MODES.get(project.funding_mode, project.funding_mode),
                "indicators": [
                    {
                        "metric": code,
                        "label": metrics[code].label if code in metrics else code,
                        "unit": metrics[code].unit if code in metrics else "",
                        "count": count,
                    }
                    for code, count in sorted(committed.items())
                ],
            }
        )
    return rows


def funded_projects_xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "立项项目"
    append_row(sheet, [title for _key, title, _width in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_key, _title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row in rows:
        append_row(
            sheet,
            [
                row["number"],
                row["title"],
                row["unit"],
                row["credit_code"],
                row["leader"],
                row["starts_on"].isoformat(),
                row["ends_on"].isoformat(),
                row["amount"],
                row["funding_mode_label"],
                "；".join(f"{i['label']}{i['count']}{i['unit']}" for i in row["indicators"]),
            ],
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
