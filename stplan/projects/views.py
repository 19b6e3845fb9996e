from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from openpyxl import Workbook

from stplan.accounts.models import Role, User
from stplan.errors import ServiceError
from stplan.listing import listing
from stplan.projects import selectors, services
from stplan.projects.models import ChangeKind, CountyAward, ProgressReport
from stplan.spreadsheets import append_row
from stplan.web import whole_number, xlsx_response
from stplan.workflow import history


def _int(value, default=0):
    return whole_number(value, default, largest=10**10)


@login_required
def project_list(request):
    projects = selectors.visible_projects(request.user).defer("application__form")
    shown = listing(request, projects, sorts=selectors.PROJECT_SORTS, search=selectors.project_keyword)
    return render(request, "projects/list.html", {"projects": shown.rows, "listing": shown})


def _indicator_values(request, project, prefix):
    return {
        row["metric"]: _int(request.POST.get(f"{prefix}-{row['metric']}"))
        for row in project.contract.content["indicators"]
    }


@login_required
def detail(request, pk):
    project = get_object_or_404(selectors.visible_projects(request.user), pk=pk)
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in services.CONTRACT.transitions:
                services.advance_contract(project=project, actor=user, action=action)
                messages.success(request, "任务书已更新。")
            elif action == "pay":
                tranche = get_object_or_404(project.tranches, pk=_int(request.POST.get("tranche")))
                paid_on = date.fromisoformat(request.POST.get("paid_on") or date.today().isoformat())
                services.pay(
                    tranche=tranche, actor=user, paid_on=paid_on, voucher=request.POST.get("voucher", "")
                )
                messages.success(request, f"已登记第{tranche.sequence}笔拨付。")
            elif action == "verify":
                services.verify_post_subsidy(
                    project=project,
                    actor=user,
                    new_benefit=_int(request.POST.get("new_benefit")),
                    budget_executed=_int(request.POST.get("budget_executed")),
                )
                messages.success(request, "已按核验结果计算补助金额。")
            elif action == "report":
                services.submit_report(
                    project=project,
                    actor=user,
                    year=_int(request.POST.get("year"), 1),
                    progress=_indicator_values(request, project, "progress"),
                    narrative=request.POST.get("narrative", ""),
                    spent=_int(request.POST.get("spent")),
                )
                messages.success(request, "年度报告已提交。")
            elif action in ("accept_report", "return_report"):
                report = get_object_or_404(
                    ProgressReport, pk=_int(request.POST.get("report")), project=project
                )
                services.review_report(
                    report=report,
                    actor=user,
                    accept=action == "accept_report",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "年度报告已审核。")
            elif action == "change":
                details = {
                    "extension": {"ends_on": request.POST.get("ends_on", "")},
                    "leader": {"username": request.POST.get("new_leader", "")},
                }.get(request.POST.get("kind"), {"description": request.POST.get("description", "")})
                services.request_change(
                    project=project,
                    actor=user,
                    kind=request.POST.get("kind", ""),
                    details=details,
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "变更申请已提交。")
            elif action in ("approve_change", "reject_change"):
                change = get_object_or_404(project.changes, pk=_int(request.POST.get("change")))
                services.decide_change(
                    change=change,
                    actor=user,
                    approve=action == "approve_change",
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "变更申请已审批。")
            elif action == "acceptance":
                services.submit_acceptance(
                    project=project,
                    actor=user,
                    achieved=_indicator_values(request, project, "achieved"),
                    total_investment=_int(request.POST.get("total_investment")),
                    new_output=_int(request.POST.get("new_output")),
                    summary=request.POST.get("summary", ""),
                )
                messages.success(request, "验收申请已提交。")
            elif action == "evidence":
                upload = request.FILES.get("file")
                if upload is None:
                    raise ServiceError("请选择要上传的文件。")
                services.add_evidence(
                    project=project,
                    actor=user,
                    purpose=request.POST.get("purpose", "acceptance"),
                    upload=upload,
                )
                messages.success(request, f"已上传“{upload.name}”。")
            elif action == "terminate":
                services.terminate(project=project, actor=user, reason=request.POST.get("reason", ""))
                messages.success(request, "项目已终止，并已记入信用记录。")
            elif action == "allow_early":
                services.allow_early(
                    project=project,
                    actor=user,
                    what=request.POST.get("what", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "已准许提前办理，并记录理由。")
            elif action == "decide_acceptance":
                services.decide_acceptance(
                    project=project,
                    actor=user,
                    decision=request.POST.get("decision", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "验收结论已保存。")
            else:
                messages.error(request, "不支持的操作。")
        except ServiceError as error:
            messages.error(request, str(error))
        except ValueError:
            messages.error(request, "日期格式应为 YYYY-MM-DD。")
        return redirect("projects:detail", pk=pk)
    acceptance = getattr(project, "acceptance", None)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "contract": project.contract,
            "tranches": project.tranches.all(),
            "reports": project.reports.all(),
            "changes": project.changes.all(),
            "acceptance": acceptance,
            "comparison": services.indicator_comparison(project) if acceptance else [],
            "ratio": services.input_output_ratio(acceptance) if acceptance else None,
            "ratio_required": services.input_output_required(project),
            "history": history(
                project,
                project.contract,
                acceptance,
                *project.tranches.all(),
                *project.reports.all(),
                *project.changes.all(),
            ),
            "early_items": services.early_items(project).items(),
            "files": project.files.all(),
            "is_leader": user.has_perm("projects.act_as_leader", project),
            "is_unit": user.has_perm("projects.act_as_unit", project),
            "is_manager": user.has_perm("projects.manage_project", project),
            "change_kinds": ChangeKind.choices,
            "unit_leaders": User.objects.filter(role=Role.LEADER, unit=project.application.lead_unit).exclude(
                pk=project.application.leader_id
            ),
            "today": date.today().isoformat(),
        },
    )


@login_required
def contract_pdf(request, pk):
    from weasyprint import HTML

    project = get_object_or_404(selectors.visible_projects(request.user), pk=pk)
    html = render_to_string(
        "projects/contract_print.html", {"project": project, "content": project.contract.content}
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{project.number}.pdf"'
    return response


def _manager(request):
    if not request.user.has_perm("review.manage_review"):
        raise PermissionDenied


@login_required
def dashboard(request):
    _manager(request)
    projects = selectors.visible_projects(request.user)
    book = selectors.ledger(projects)
    if request.GET.get("format") == "xlsx":
        sheet_book = Workbook()
        sheet = sheet_book.active
        sheet.title = "拨付台账"
        append_row(sheet, ["项目/科室", "计划金额（元）", "已拨付（元）", "待拨付（元）"])
        for row in [*book["projects"].values(), *book["sections"].values(), book["total"]]:
            append_row(sheet, [row.key, row.planned, row.paid, row.released_unpaid])
        return xlsx_response(sheet_book, "ledger.xlsx")
    return render(
        request, "projects/dashboard.html", {"board": selectors.dashboard(projects), "ledger": book}
    )


@login_required
def awards(request):
    """奖励性后补助 (方向40): yearly awards to counties with their match and proof."""
    if not request.user.has_perm("projects.manage_awards"):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("action") == "revoke":
        award = get_object_or_404(CountyAward, pk=_int(request.POST.get("award")))
        try:
            services.revoke_award(award=award, actor=request.user, reason=request.POST.get("reason", ""))
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已撤销该奖励登记。")
        return redirect("projects:awards")
    if request.method == "POST":
        try:
            services.record_award(
                actor=request.user,
                county=request.POST.get("county", ""),
                year=_int(request.POST.get("year")),
                amount=_int(request.POST.get("amount")),
                county_match=_int(request.POST.get("county_match")),
                proof=request.POST.get("proof", ""),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "已登记。")
        return redirect("projects:awards")
    return render(
        request, "projects/awards.html", {"awards": CountyAward.objects.order_by("-year", "county")}
    )
