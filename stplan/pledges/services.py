"""军令状: drawn up from the 揭榜方案 and the 榜单 item when the project is funded, confirmed
by the 首席专家 and the lead unit before the 任务书 is approved, held against the project at 验收."""

import hashlib
import json

from stplan.accounts.models import User
from stplan.applications.selectors import latest_content
from stplan.challenges.models import in_guide_order
from stplan.errors import ServiceError
from stplan.pledges.models import Pledge, PledgeStatus
from stplan.pledges.workflow import PLEDGE
from stplan.projects.models import Acceptance, Project
from stplan.projects.services import record_credit
from stplan.workflow import perform, record

CONFIRMATIONS = ("leader_confirm", "unit_confirm")


def pledge_content(project: Project) -> dict:
    """What the 军令状 says: the item and its indicators beside the 揭榜方案's commitments,
    the plan, and the consequences the guide data names."""
    application = project.application
    item = application.challenge_item
    answer = latest_content(application).challenge
    committed = {i.metric: i.committed for i in answer.indicators} if answer else {}
    metrics = application.guide.spec.metrics
    return {
        "project": project.number,
        "title": application.title,
        "unit": application.lead_unit.name,
        "leader": application.leader.full_name or application.leader.username,
        "amount": project.amount,
        "item": {"code": item.code, "title": item.title, "problem": item.problem},
        "indicators": [
            {
                "metric": code,
                "label": metrics[code].label,
                "unit": metrics[code].unit,
                "required": required,
                "committed": max(committed.get(code, 0), required),
            }
            for code, required in in_guide_order(item.targets, metrics)
        ],
        "overall_plan": answer.overall_plan if answer else "",
        "technical_route": answer.technical_route if answer else "",
        "consequences": list(application.direction.spec.challenge.consequences),
    }


def draw_up(*, project: Project, actor: User) -> Pledge | None:
    """The 军令状 of a project that answers a 榜单 item; None for any other project."""
    application = project.application
    if application.challenge_item_id is None or application.direction.spec.challenge is None:
        return None
    content = pledge_content(project)
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    pledge = Pledge.objects.create(
        project=project, item=application.challenge_item, content=content, sha256=digest
    )
    record(pledge, "draw_up", actor=actor, payload={"sha256": digest})
    return pledge


def draw_up_pledges_of_plan(plan, *, event, actor: User) -> None:
    for project in Project.objects.filter(plan_item__plan=plan).select_related("application__challenge_item"):
        draw_up(project=project, actor=actor)


def confirm(*, pledge: Pledge, actor: User, action: str) -> Pledge:
    if action not in CONFIRMATIONS:
        raise ServiceError("不支持的操作。")
    return perform(pledge, action, actor=actor)


def refuse_unsigned(contract, *, event, actor) -> None:
    """The 任务书 of a 揭榜 project is approved only under a signed 军令状."""
    pledge = Pledge.objects.filter(project=contract.project_id).first()
    if pledge is not None and pledge.status != PledgeStatus.SIGNED:
        raise ServiceError(
            f"该项目实行“揭榜挂帅”，军令状{pledge.get_status_display()}：须由首席专家和牵头单位确认军令状后，任务书才能审核通过。"
        )


def unmet(pledge: Pledge, achieved: dict) -> list[str]:
    """The 军令状's indicators the 验收 figures fall short of."""
    return [
        f"{i['label']}承诺{i['committed']}{i['unit']}，完成{int(achieved.get(i['metric'], 0) or 0)}{i['unit']}"
        for i in pledge.content["indicators"]
        if int(achieved.get(i["metric"], 0) or 0) < i["committed"]
    ]


def hold_at_acceptance(acceptance: Acceptance, *, event, actor) -> None:
    """验收 under a 军令状: indicators missed cannot pass; a failed or closed project with
    indicators missed breaks the 军令状 and bears its consequences."""
    pledge = Pledge.objects.filter(project=acceptance.project_id).first()
    if pledge is None or pledge.status != PledgeStatus.SIGNED:
        return
    missed = unmet(pledge, acceptance.achieved)
    cause = f"验收结论：{acceptance.get_status_display()}"
    if event.action == "pass" and missed:
        raise ServiceError(
            "军令状承诺的考核指标未完成（"
            + "；".join(missed)
            + "），验收不能通过；按军令状应作验收不通过处理。"
        )
    if not missed and event.action != "fail":
        perform(pledge, "fulfil", actor=actor, cause=cause)
        return
    payload = {"unmet": missed or ["验收不通过"], "consequences": pledge.content["consequences"]}
    perform(pledge, "breach", actor=actor, cause=cause, payload=payload)
    if event.action == "close":
        # A failed 验收 is already a credit record of the projects app; 结题 is not.
        record_credit(acceptance.project, "pledge", "未履行军令状：" + "；".join(missed))


def breach_on_termination(project: Project, *, event, actor) -> None:
    pledge = Pledge.objects.filter(project=project).first()
    if pledge is not None and pledge.status not in (PledgeStatus.FULFILLED, PledgeStatus.BREACHED):
        perform(
            pledge,
            "breach",
            actor=actor,
            cause="终止实施",
            payload={"unmet": ["项目终止实施"], "consequences": pledge.content["consequences"]},
        )


def available_actions(*, pledge: Pledge, user) -> list[str]:
    return [a for a in PLEDGE.available(pledge, user) if a in CONFIRMATIONS]
