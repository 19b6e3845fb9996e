"""The review's long jobs: proposing (or re-solving) a round's assignment."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stplan.errors import ServiceError
from stplan.jobs import kinds
from stplan.review import selectors, services

PROPOSE = "review.propose_assignment"


def propose(job, progress) -> kinds.Outcome:
    review_round = selectors.managed_rounds(job.owner).filter(pk=job.params.get("round")).first()
    if review_round is None:
        raise ServiceError("该评审批次不存在或不由您办理。")
    progress(0, 1)
    # One transaction: a worker killed while solving leaves the round as it was.
    review_round = services.propose_assignment(review_round=review_round, actor=job.owner)
    pairs = (review_round.solver_report or {}).get("pairs", 0)
    return kinds.Outcome(
        summary=f"已完成分配（拟分配{pairs}对），请核对后发布。",
        url=reverse("review:round", args=[review_round.pk]),
    )


kinds.register(PROPOSE, label=_("评审专家自动分配"), run=propose)
