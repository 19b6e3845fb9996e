"""Every write of 揭榜挂帅: calls for needs, needs, 榜单 items and their published versions."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from stplan.accounts.models import User
from stplan.challenges.models import (
    ChallengeItem,
    ItemStatus,
    ListVersion,
    Need,
    NeedCall,
    NeedStatus,
    in_guide_order,
)
from stplan.eligibility.guide import Direction as DirectionSpec
from stplan.eligibility.labels import yuan
from stplan.errors import ServiceError
from stplan.guides.models import Direction
from stplan.workflow import perform, record

NEED_FIELDS = (
    "title",
    "segment",
    "problem",
    "bottleneck",
    "target_text",
    "commitment",
    "deadline",
    "contact_name",
    "contact_phone",
)
ITEM_FIELDS = ("title", "problem", "target_text", "amount_max", "winners", "opens_at", "closes_at")


def challenge_of(direction: Direction):
    """The 方向's 揭榜挂帅 settings from its guide data, or a refusal when it has none."""
    spec = direction.spec.challenge
    if spec is None:
        raise ServiceError(f"方向{direction.number}不实行“揭榜挂帅”，没有技术需求征集和榜单。")
    return spec


@transaction.atomic
def open_call(
    *,
    actor: User,
    direction: Direction,
    industry: str,
    opens_at: datetime,
    closes_at: datetime,
    notice: str = "",
) -> NeedCall:
    if not actor.has_perm("challenges.manage_item", direction):
        raise ServiceError("只有该方向所属科室的经办人或局管理员可以发起技术需求征集。")
    spec = challenge_of(direction)
    industry = (industry or spec.industry or "").strip()
    if not industry:
        raise ServiceError("请写明本次征集的优势产业。")
    if closes_at <= opens_at:
        raise ServiceError("征集截止须晚于征集开始。")
    return NeedCall.objects.create(
        direction=direction,
        industry=industry[:100],
        opens_at=opens_at,
        closes_at=closes_at,
        notice=notice.strip(),
    )


def _targets(direction: Direction, targets: dict[str, int]) -> dict[str, int]:
    metrics = direction.guide.spec.metrics
    unknown = sorted(set(targets) - set(metrics))
    if unknown:
        raise ServiceError(f"指南没有这些考核指标：{'、'.join(unknown)}。")
    if any(not isinstance(v, int) or v < 0 for v in targets.values()):
        raise ServiceError("指标数量须为不小于0的整数。")
    return {k: v for k, v in targets.items() if v}


@transaction.atomic
def save_need(
    *, actor: User, call: NeedCall, need: Need | None = None, fields: dict, targets: dict[str, int]
) -> Need:
    """Create or change a need while it is a draft or returned; the call's window binds on submission."""
    if need is None:
        if not actor.has_perm("challenges.create_need"):
            raise ServiceError("只有注册审核通过的企业可以提出技术需求。")
        if not call.is_open() and timezone.now() > call.closes_at:
            raise ServiceError("本次技术需求征集已截止。")
        need = Need(call=call, unit=actor.unit, created_by=actor)
    else:
        need = Need.objects.select_for_update().get(pk=need.pk)
        if not actor.has_perm("challenges.change_need", need):
            raise ServiceError("该技术需求当前不可修改。")
    for name in NEED_FIELDS:
        value = fields.get(name)
        setattr(need, name, value.strip() if isinstance(value, str) else value)
    if need.deadline is None or need.deadline < timezone.localdate():
        raise ServiceError("请填写需求解决期限，且不能早于今天。")
    if need.commitment is None or need.commitment <= 0:
        raise ServiceError("请填写企业承诺投入的金额（大于0的整数，单位：元）。")
    need.targets = _targets(call.direction, targets)
    need.save()
    record(need, "edit", actor=actor, payload={"title": need.title})
    return need


def transition_need(
    *, need: Need, action: str, actor: User, reason: str = "", into: Need | None = None
) -> Need:
    """Submit, withdraw, return, accept, decline or merge a need. Merging names the need it
    joins: another of the same call, still in play; its unit hears of it like any change."""
    if action == "list":
        raise ServiceError("需求由编制榜单项目时列入榜单。")

    def apply(locked: Need) -> dict | None:
        if action != "merge":
            return None
        if into is None or into.pk == locked.pk or into.call_id != locked.call_id:
            raise ServiceError("请选择同一次征集中的另一项需求作为合并目标。")
        if into.status not in (NeedStatus.SUBMITTED, NeedStatus.ACCEPTED):
            raise ServiceError(
                f"合并目标“{into.title}”当前状态为“{into.get_status_display()}”，不能合并到它。"
            )
        locked.merged_into = into
        return {"into": f"{into.pk} {into.title}"}

    return perform(need, action, actor=actor, reason=reason, apply=apply)


def _item_code(direction: Direction) -> str:
    # The 方向 row locked: two officers numbering items at once do not take the same code.
    Direction.objects.select_for_update().get(pk=direction.pk)
    count = ChallengeItem.objects.filter(direction=direction).count()
    return f"JB{direction.guide.year}-{direction.number:02d}-{count + 1:02d}"


def _check_item(direction: Direction, spec: DirectionSpec, fields: dict) -> None:
    amount = fields.get("amount_max")
    cap = spec.amount_max
    if not isinstance(amount, int) or amount <= 0:
        raise ServiceError("请填写榜单项目的资助上限（大于0的整数，单位：元）。")
    if cap is not None and amount > cap:
        raise ServiceError(
            f"榜单项目的资助上限{yuan(amount)}超过方向{direction.number}的资助金额（{spec.amount_label}）。"
        )
    winners = fields.get("winners")
    if not isinstance(winners, int) or winners < 1:
        raise ServiceError("拟支持揭榜团队数须为正整数。")
    if not fields.get("opens_at") or not fields.get("closes_at") or fields["closes_at"] <= fields["opens_at"]:
        raise ServiceError("请填写揭榜期，揭榜截止须晚于揭榜开始。")
    if not (fields.get("title") or "").strip() or not (fields.get("problem") or "").strip():
        raise ServiceError("请填写榜单名称和需解决的技术难题。")


@transaction.atomic
def create_item(*, actor: User, need: Need, fields: dict, targets: dict[str, int]) -> ChallengeItem:
    """A 榜单 item made of an accepted need after 专家论证; the need is listed."""
    direction = need.call.direction
    challenge_of(direction)
    if not actor.has_perm("challenges.manage_item", need):
        raise ServiceError("只有该方向所属科室的经办人或局管理员可以编制榜单。")
    if hasattr(need, "item"):
        raise ServiceError("该需求已编入榜单。")
    targets = _targets(direction, targets)
    if not targets:
        raise ServiceError("榜单项目须至少有一项可考核的指标。")
    _check_item(direction, direction.spec, fields)
    need = Need.objects.select_for_update().get(pk=need.pk)
    item = ChallengeItem.objects.create(
        direction=direction,
        need=need,
        code=_item_code(direction),
        targets=targets,
        **{
            name: fields[name].strip() if isinstance(fields[name], str) else fields[name]
            for name in ITEM_FIELDS
        },
    )
    perform(need, "list", actor=actor, locked=True, payload={"item": item.code})
    record(item, "create", actor=actor, payload={"item": item.code})
    return item


@transaction.atomic
def revise_item(
    *, actor: User, item: ChallengeItem, fields: dict, targets: dict[str, int], reason: str = ""
) -> ChallengeItem:
    """Change an item; a published one gets a new 榜单 version naming the change."""
    item = ChallengeItem.objects.select_for_update().get(pk=item.pk)
    if not actor.has_perm("challenges.manage_item", item):
        raise ServiceError("只有该方向所属科室的经办人或局管理员可以修改榜单。")
    if item.status == ItemStatus.WITHDRAWN:
        raise ServiceError("该榜单项目已撤榜，不能修改。")
    if item.status == ItemStatus.PUBLISHED and not reason.strip():
        raise ServiceError("修改已发布的榜单项目须写明理由，理由将随新版本公开。")
    targets = _targets(item.direction, targets)
    if not targets:
        raise ServiceError("榜单项目须至少有一项可考核的指标。")
    _check_item(item.direction, item.direction.spec, fields)
    for name in ITEM_FIELDS:
        value = fields[name]
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.targets = targets
    item.save()
    payload = {}
    if item.status == ItemStatus.PUBLISHED:
        version = publish_version(direction=item.direction, actor=actor, note=reason)
        payload = {"version": version.number if version else None}
    record(item, "revise", actor=actor, reason=reason, payload=payload)
    return item


def transition_item(*, item: ChallengeItem, action: str, actor: User, reason: str = "") -> ChallengeItem:
    """Publish or withdraw (撤榜) an item; either makes a new version of the public 榜单."""
    with transaction.atomic():
        was_public = item.status == ItemStatus.PUBLISHED
        item = perform(item, action, actor=actor, reason=reason)
        if action == "publish" or was_public:
            publish_version(direction=item.direction, actor=actor, note=reason)
    return item


def item_snapshot(item: ChallengeItem) -> dict:
    metrics = item.direction.guide.spec.metrics
    return {
        "code": item.code,
        "title": item.title,
        "problem": item.problem,
        "unit": item.need.unit.name,
        "targets": [
            {"metric": code, "label": metrics[code].label, "unit": metrics[code].unit, "min": n}
            for code, n in in_guide_order(item.targets, metrics)
        ],
        "target_text": item.target_text,
        "amount_max": item.amount_max,
        "winners": item.winners,
        "opens_at": timezone.localtime(item.opens_at).strftime("%Y-%m-%d %H:%M"),
        "closes_at": timezone.localtime(item.closes_at).strftime("%Y-%m-%d %H:%M"),
    }


FIELD_LABELS = {
    "title": "榜单名称",
    "problem": "技术难题",
    "targets": "考核指标",
    "target_text": "考核指标说明",
    "amount_max": "资助上限",
    "winners": "拟支持揭榜团队数",
    "opens_at": "揭榜开始",
    "closes_at": "揭榜截止",
}


def _changes(before: list[dict], after: list[dict]) -> list[str]:
    old = {i["code"]: i for i in before}
    new = {i["code"]: i for i in after}
    changes = [f"新增：{code} {new[code]['title']}" for code in new if code not in old]
    for code in new:
        if code in old:
            changed = [
                label for key, label in FIELD_LABELS.items() if old[code].get(key) != new[code].get(key)
            ]
            if changed:
                changes.append(f"修改：{code} {new[code]['title']}（{'、'.join(changed)}）")
    changes += [f"撤榜：{code} {old[code]['title']}" for code in old if code not in new]
    return changes


def publish_version(*, direction: Direction, actor: User, note: str = "") -> ListVersion | None:
    """The 方向's 榜单 as now published, kept as a new version when it differs from the last."""
    # Locked so that two publications at once number their versions one after the other.
    Direction.objects.select_for_update().get(pk=direction.pk)
    items = [
        item_snapshot(item)
        for item in ChallengeItem.objects.filter(direction=direction, status=ItemStatus.PUBLISHED)
        .select_related("need__unit", "direction__guide")
        .order_by("code")
    ]
    last = ListVersion.objects.filter(direction=direction).order_by("-number").first()
    before = last.items if last else []
    if last is not None and before == items:
        return None
    changes = _changes(before, items)
    if note.strip() and last is not None:
        changes.append(f"说明：{note.strip()}")
    number = (ListVersion.objects.filter(direction=direction).aggregate(n=Max("number"))["n"] or 0) + 1
    return ListVersion.objects.create(
        direction=direction, number=number, items=items, changes=changes, published_by=actor
    )
