"""The demo's 验收专家组: one signed project applies for 验收, the bureau forms and publishes
a panel, and all but one expert have judged it, so the panel page shows results and an
expert still finds a task under 我的验收评审."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from stplan.accounts.models import User
from stplan.demo.builders import MINIMAL_PDF
from stplan.projects import acceptance_panel as panels
from stplan.projects import services as projects
from stplan.projects.models import Acceptance, ContractStatus, Project, ProjectStatus


def load_acceptance_demo(*, admin: User) -> None:
    if Acceptance.objects.exists():
        return
    project = (
        Project.objects.filter(
            status=ProjectStatus.IN_PROGRESS, contract__status=ContractStatus.APPROVED, reports__isnull=True
        )
        .order_by("number")
        .first()
    )
    if project is None:
        return
    leader = project.application.leader
    projects.allow_early(
        project=project, actor=admin, what="acceptance", reason="演示：提前验收，供查看验收专家组流程。"
    )
    projects.add_evidence(
        project=project,
        actor=leader,
        purpose="acceptance",
        upload=SimpleUploadedFile("验收佐证-检测报告.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    indicators = project.contract.content["indicators"]
    projects.submit_acceptance(
        project=project,
        actor=leader,
        achieved={row["metric"]: row["committed"] for row in indicators},
        total_investment=project.amount * 2,
        new_output=project.amount * 3,
        summary="按任务书完成研究内容，考核指标全部完成，详见检测报告。",
    )
    panel = panels.form_panel(
        project=project, actor=admin, experts=3, due_at=timezone.now() + timedelta(days=10)
    )
    panel = panels.transition_panel(panel=panel, action="publish", actor=admin)
    metrics = [row["metric"] for row in indicators]
    for n, review in enumerate(panel.reviews.order_by("pk")[: max(panel.reviews.count() - 1, 0)]):
        panels.submit_review(
            review=review,
            actor=review.expert.user,
            ratings=dict.fromkeys(metrics, "met" if n == 0 else "partial"),
            remarks={metrics[0]: "检测报告与承诺一致"} if metrics else {},
            opinion="passed",
            comment="完成任务书规定的目标任务，同意通过验收。" if n == 0 else "基本完成，建议通过验收。",
        )
