from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from openpyxl import Workbook

from stplan.accounts.models import Role, User
from stplan.errors import ServiceError
from stplan.listing import listing
from stplan.projects import forms, selectors, services
from stplan.projects.models import CountyAward
from stplan.spreadsheets import append_row
from stplan.web import xlsx_response
from stplan.workflow import history


@login_required
def project_list(request):
    projects = selectors.visible_projects(request.user).defer("application__form")
    shown = listing(request, projects, sorts=selectors.PROJECT_SORTS, search=selectors.project_keyword)
    return render(request, "projects/list.html", {"projects": shown.rows, "listing": shown})


# The forms of the project page, by the name the template knows them under.
FORMS = {
    "contract_form": forms.EmptyForm,
    "pay_form": forms.PaymentForm,
    "verify_form": forms.VerifyForm,
    "report_form": forms.ReportForm,
    "review_form": forms.NoteForm,
    "change_form": forms.ChangeForm,
    "acceptance_form": forms.AcceptanceForm,
    "decision_form": forms.AcceptanceDecisionForm,
    "evidence_form": forms.EvidenceForm,
    "terminate_form": forms.TerminateForm,
    "early_form": forms.AllowEarlyForm,
}


def _unit_leaders(project):
    return User.objects.filter(role=Role.LEADER, unit=project.application.lead_unit).exclude(
        pk=project.application.leader_id
    )


def _form(name, project, data=None, files=None):
    """The page's form `name` for `project`, bound to `data` when given."""
    extra = {}
    if name in ("report_form", "acceptance_form"):
        extra["indicators"] = project.contract.content["indicators"]
    elif name == "change_form":
        extra["unit_leaders"] = _unit_leaders(project)
    elif name == "early_form":
        extra["items"] = services.early_items(project)
    return FORMS[name](data, files, **extra)


def _visible_project(request, pk):
    return get_object_or_404(selectors.visible_projects(request.user), pk=pk)


def _detail_page(request, project, *, bound=None, target=None):
    """The project page; `bound` is the refused form (by name), shown with what was typed;
    `target` the tranche, report or change it was about."""
    user = request.user
    acceptance = getattr(project, "acceptance", None)
    context = {name: _form(name, project) for name in FORMS}
    if bound:
        context.update(bound)
    reports = project.reports.all()
    labels = {row["metric"]: row["label"] for row in project.contract.content["indicators"]}
    context |= {
        "project": project,
        "contract": project.contract,
        "tranches": project.tranches.all(),
        "reports": [(r, [(labels.get(k, k), v) for k, v in r.progress.items()]) for r in reports],
        "next_year": len(reports) + 1,
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
            *reports,
            *project.changes.all(),
        ),
        "files": project.files.all(),
        "is_leader": user.has_perm("projects.act_as_leader", project),
        "is_unit": user.has_perm("projects.act_as_unit", project),
        "is_manager": user.has_perm("projects.manage_project", project),
        "target": target,
    }
    if not bound:
        context["report_form"].initial["year"] = context["next_year"]
    return render(request, "projects/detail.html", context)


@login_required
@require_safe
def detail(request, pk):
    return _detail_page(request, _visible_project(request, pk))


def _form_errors(request, form):
    """Each refusal of a form as one message naming its field, the field's own box shows it too."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}：{error}" if label else error)


def _require(request, project, permission):
    if not request.user.has_perm(permission, project):
        raise PermissionDenied


def project_action(*, form_name, permission, done, part=None):
    """A POST-only view for one action on a project: the person's permission, then the one
    form and the one service call `run(request, project, form, target)`. A refusal shows the
    page again with the form as typed and the Chinese reason."""

    def decorator(run):
        @login_required
        @require_POST
        @wraps(run)
        def view(request, pk, target_pk=None, **kwargs):
            project = _visible_project(request, pk)
            target = get_object_or_404(part(project), pk=target_pk) if part else None
            _require(request, project, permission(kwargs) if callable(permission) else permission)
            form = _form(form_name, project, request.POST, request.FILES)
            if form.is_valid():
                try:
                    run(request, project, form, target, **kwargs)
                except ServiceError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, str(done(form, target) if callable(done) else done))
                    return redirect("projects:detail", pk=pk)
            else:
                _form_errors(request, form)
            project.refresh_from_db()
            return _detail_page(request, project, bound={form_name: form}, target=target)

        return view

    return decorator


CONTRACT_PERMISSIONS = {
    "confirm": "projects.act_as_leader",
    "unit_approve": "projects.act_as_unit",
    "approve": "projects.manage_project",
}


@project_action(
    form_name="contract_form",
    permission=lambda kwargs: CONTRACT_PERMISSIONS[kwargs["step"]],
    done=gettext_lazy("任务书已更新。"),
)
def advance_contract(request, project, form, target, *, step):
    services.advance_contract(project=project, actor=request.user, action=step)


@project_action(
    form_name="pay_form",
    permission="projects.manage_project",
    done=lambda form, tranche: _("已登记第%(n)s笔拨付。") % {"n": tranche.sequence},
    part=lambda project: project.tranches,
)
def pay(request, project, form, tranche):
    services.pay(
        tranche=tranche,
        actor=request.user,
        paid_on=form.cleaned_data["paid_on"],
        voucher=form.cleaned_data["voucher"],
    )


@project_action(
    form_name="verify_form",
    permission="projects.manage_project",
    done=gettext_lazy("已按核验结果计算补助金额。"),
)
def verify(request, project, form, target):
    services.verify_post_subsidy(
        project=project,
        actor=request.user,
        new_benefit=form.cleaned_data["new_benefit"],
        budget_executed=form.cleaned_data["budget_executed"],
    )


@project_action(
    form_name="report_form", permission="projects.act_as_leader", done=gettext_lazy("年度报告已提交。")
)
def submit_report(request, project, form, target):
    services.submit_report(
        project=project,
        actor=request.user,
        year=form.cleaned_data["year"],
        progress=form.indicator_values(),
        narrative=form.cleaned_data["narrative"],
        spent=form.cleaned_data["spent"],
    )


@project_action(
    form_name="review_form",
    permission="projects.manage_project",
    done=gettext_lazy("年度报告已审核。"),
    part=lambda project: project.reports,
)
def review_report(request, project, form, report, *, accept):
    services.review_report(report=report, actor=request.user, accept=accept, note=form.cleaned_data["note"])


@project_action(
    form_name="change_form", permission="projects.act_as_leader", done=gettext_lazy("变更申请已提交。")
)
def request_change(request, project, form, target):
    services.request_change(
        project=project,
        actor=request.user,
        kind=form.cleaned_data["kind"],
        details=form.details(),
        reason=form.cleaned_data["reason"],
    )


@project_action(
    form_name="review_form",
    permission="projects.manage_project",
    done=gettext_lazy("变更申请已审批。"),
    part=lambda project: project.changes,
)
def decide_change(request, project, form, change, *, approve):
    services.decide_change(change=change, actor=request.user, approve=approve, note=form.cleaned_data["note"])


@project_action(
    form_name="acceptance_form", permission="projects.act_as_leader", done=gettext_lazy("验收申请已提交。")
)
def submit_acceptance(request, project, form, target):
    services.submit_acceptance(
        project=project,
        actor=request.user,
        achieved=form.indicator_values(),
        total_investment=form.cleaned_data["total_investment"],
        new_output=form.cleaned_data["new_output"],
        summary=form.cleaned_data["summary"],
    )


@project_action(
    form_name="decision_form", permission="projects.manage_project", done=gettext_lazy("验收结论已保存。")
)
def decide_acceptance(request, project, form, target):
    services.decide_acceptance(
        project=project,
        actor=request.user,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
    )


@project_action(
    form_name="evidence_form",
    permission="projects.act_as_leader",
    done=lambda form, target: _("已上传“%(name)s”。") % {"name": form.cleaned_data["file"].name},
)
def add_evidence(request, project, form, target):
    services.add_evidence(
        project=project,
        actor=request.user,
        purpose=form.cleaned_data["purpose"],
        upload=form.cleaned_data["file"],
    )


@project_action(
    form_name="terminate_form",
    permission="projects.manage_project",
    done=gettext_lazy("项目已终止，并已记入信用记录。"),
)
def terminate(request, project, form, target):
    services.terminate(project=project, actor=request.user, reason=form.cleaned_data["reason"])


@project_action(
    form_name="early_form",
    permission="projects.manage_project",
    done=gettext_lazy("已准许提前办理，并记录理由。"),
)
def allow_early(request, project, form, target):
    services.allow_early(
        project=project,
        actor=request.user,
        what=form.cleaned_data["what"],
        reason=form.cleaned_data["reason"],
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


def _award_manager(request):
    if not request.user.has_perm("projects.manage_awards"):
        raise PermissionDenied


def _awards_page(request, form=None, revoke_form=None):
    return render(
        request,
        "projects/awards.html",
        {
            "awards": CountyAward.objects.order_by("-year", "county"),
            "form": form or forms.AwardForm(),
            "revoke_form": revoke_form,
        },
    )


@login_required
def awards(request):
    """奖励性后补助 (方向40): yearly awards to counties with their match and proof."""
    _award_manager(request)
    if request.method != "POST":
        return _awards_page(request)
    form = forms.AwardForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _awards_page(request, form)
    try:
        services.record_award(actor=request.user, **form.cleaned_data)
    except ServiceError as error:
        messages.error(request, str(error))
        return _awards_page(request, form)
    messages.success(request, _("已登记。"))
    return redirect("projects:awards")


@login_required
@require_POST
def revoke_award(request, award_pk):
    _award_manager(request)
    award = get_object_or_404(CountyAward, pk=award_pk)
    form = forms.RevokeAwardForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _awards_page(request, revoke_form=form)
    try:
        services.revoke_award(award=award, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        messages.error(request, str(error))
        return _awards_page(request, revoke_form=form)
    messages.success(request, _("已撤销该奖励登记。"))
    return redirect("projects:awards")
