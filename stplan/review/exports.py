from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from stplan.spreadsheets import append_row


def ranking_xlsx(review_round, standings) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "评审排名"
    append_row(
        sheet,
        [
            "方向排名",
            "类别排名",
            "申报编号",
            "方向",
            "类别",
            "项目名称",
            "牵头单位",
            "得分",
            "中位数",
            "标准差",
            "分歧较大",
            "已评/应评",
            "建议资助票数",
            "所揭榜单项目",
            "榜单项目内排名",
        ],
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in standings:
        a = row.application
        append_row(
            sheet,
            [
                row.rank_in_direction,
                row.rank_in_category,
                a.number,
                a.direction.number,
                a.direction.category.name,
                a.title,
                a.lead_unit.name,
                round(row.score, 2) if row.score is not None else None,
                row.median,
                round(row.spread, 2) if row.spread is not None else None,
                "是" if row.disagreement else "",
                f"{len(row.totals)}/{row.expected}",
                row.fund_votes,
                a.challenge_item.code if a.challenge_item else "",
                row.rank_in_item,
            ],
        )
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
