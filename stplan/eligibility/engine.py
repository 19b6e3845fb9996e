"""形式审查, automatic part: an application's facts and a guide in, findings out.

Pure functions, no database: the web app, `stplan check` and the benchmark call the same
`check_batch`. Checks every 方向 shares (子类, 实施年限, 资助金额, identifiers) read the
direction's data; the 方向's own requirements are the rules its data file lists.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stplan.eligibility import labels
from stplan.eligibility.facts import Application
from stplan.eligibility.gc import collector_paused
from stplan.eligibility.guide import Direction, Guide
from stplan.eligibility.identifiers import ric_problem, uscc_problem
from stplan.eligibility.rules import (
    NO_FINDINGS,
    PARTS,
    BatchLimit,
    CreditSanction,
    Finding,
    LeaderLimit,
    NotFundedBefore,
    Records,
)

# (方向, rule kind, counted key) → applications already counted against that limit.
PriorCounts = Mapping[tuple[int, str, str], int]


@dataclass(frozen=True, slots=True)
class Result:
    id: str
    verdict: str
    fundable_max: int
    findings: tuple[Finding, ...]

    @property
    def eligible(self) -> bool:
        return self.verdict == "eligible"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "fundable_max": self.fundable_max,
            "findings": [f.as_dict() for f in self.findings],
        }


def check_batch(
    applications: Sequence[Application],
    guide: Guide,
    *,
    prior_counts: PriorCounts | None = None,
    records: Records | None = None,
    known: frozenset[str] = PARTS,
) -> list[Result]:
    """Check `applications` together: per-unit and per-county limits count them in
    submission order, after the `prior_counts` already taken (e.g. those submitted earlier).
    Repeat-funding rules look at the system's `records`; without them they ask the officer.
    Only the checks whose parts are all `known` run: an application being filled in carries
    stand-ins for the parts not yet complete, which no check may read."""
    with collector_paused(len(applications)):
        findings = [application_findings(app, guide, records=records, known=known) for app in applications]
        # Not `prior_counts or {}`: the truth of a large mapping of places may cost a count.
        counts = {} if prior_counts is None else prior_counts
        _apply_batch_limits(applications, guide, findings, counts, known)
        return [
            _result(app, guide.direction(app.direction), tuple(found))
            for app, found in zip(applications, findings, strict=True)
        ]


def check_application(
    app: Application,
    guide: Guide,
    *,
    prior_counts: PriorCounts | None = None,
    records: Records | None = None,
    known: frozenset[str] = PARTS,
) -> Result:
    return check_batch([app], guide, prior_counts=prior_counts, records=records, known=known)[0]


@dataclass(frozen=True, slots=True)
class PendingCheck:
    """A check that waits for parts of the application still incomplete."""

    clause: str
    missing: frozenset[str]


def pending_checks(direction: Direction, known: frozenset[str]) -> list[PendingCheck]:
    """The checks of `direction` that cannot run until the parts missing from `known` are complete."""
    clauses = [(f"方向{direction.number} {rule.clause}", rule.needs()) for rule in direction.rules]
    if direction.accepts_applications:
        clauses = [*_own_checks(direction), *clauses]
    pending: dict[str, set[str]] = {}
    for clause, needs in clauses:
        if not needs <= known:
            pending.setdefault(clause, set()).update(needs - known)
    return [PendingCheck(clause, frozenset(missing)) for clause, missing in pending.items()]


def _own_checks(direction: Direction) -> list[tuple[str, frozenset[str]]]:
    """The checks every 方向 shares, with the parts each reads."""
    checks = []
    if direction.tracks:
        checks.append((f"方向{direction.number} {direction.track_clause}", frozenset({"basic"})))
    checks.append((f"方向{direction.number} 实施年限", frozenset({"basic"})))
    checks.append((f"方向{direction.number} 资助金额", _amount_reads(direction)))
    return checks


def _amount_reads(direction: Direction) -> frozenset[str]:
    if direction.amount.kind == "post_subsidy":
        return frozenset({"funding", "outcomes"})
    if direction.amount.kind == "per_track":
        return frozenset({"funding", "basic"})
    return frozenset({"funding"})


def application_findings(
    app: Application, guide: Guide, *, records: Records | None = None, known: frozenset[str] = PARTS
) -> list[Finding]:
    """Every finding about `app` on its own, without the limits that count other applications."""
    direction = guide.direction(app.direction)
    if direction is None:
        raise ValueError(f"指南 {guide.slug} 中没有方向{app.direction}")
    if not direction.accepts_applications:
        return [f for rule in direction.rules if rule.needs() <= known for f in rule.findings(app, direction)]
    found: list[Finding] = []
    if "basic" in known:
        found.extend(_track_findings(app, direction))
        found.extend(_duration_findings(app, direction))
    if _amount_reads(direction) <= known:
        found.extend(_amount_findings(app, direction))
    for rule in direction.rules:
        if not rule.needs() <= known:
            continue
        if isinstance(rule, NotFundedBefore):
            found.extend(rule.checked(app, direction, guide.year, records))
        elif isinstance(rule, LeaderLimit):
            found.extend(rule.checked(app, direction, guide.slug, records))
        elif isinstance(rule, CreditSanction):
            found.extend(rule.checked(app, direction, records))
        else:
            found.extend(rule.findings(app, direction))
    found.extend(_identifier_findings(app, known))
    return found


def fundable_max(app: Application, direction: Direction, findings: Sequence[Finding]) -> int:
    """The most 市财政资助 the guide allows this application: 0 when it is ineligible."""
    if any(f.severity == "error" for f in findings):
        return 0
    if direction.amount.kind == "post_subsidy":
        return direction.amount.post_subsidy(
            new_benefit=app.outcomes.new_benefit, budget_executed=app.outcomes.budget_executed
        )
    return app.funding.requested


def _result(app: Application, direction: Direction, findings: tuple[Finding, ...]) -> Result:
    verdict = "ineligible" if any(f.severity == "error" for f in findings) else "eligible"
    return Result(app.id, verdict, fundable_max(app, direction, findings), findings)


def _apply_batch_limits(
    applications: Sequence[Application],
    guide: Guide,
    findings: list[list[Finding]],
    prior: PriorCounts,
    known: frozenset[str],
) -> None:
    limited = [
        (i, app, rule)
        for i, app in enumerate(applications)
        for rule in guide.direction(app.direction).rules
        if isinstance(rule, BatchLimit)
        and rule.needs() <= known
        and guide.direction(app.direction).accepts_applications
        and (rule.when is None or rule.when.holds(app))
    ]
    limited.sort(key=lambda item: (item[1].submitted_local, item[0]))
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for i, app, rule in limited:
        key = rule.key(app)
        if key is None:
            continue
        counter = (app.direction, rule.kind, key)
        counts[counter] += 1
        position = prior.get(counter, 0) + counts[counter]
        if position > rule.max:
            findings[i].append(rule.over_limit(app, guide.direction(app.direction), position))


def _finding(rule: str, message: str, clause: str, severity: str = "error") -> Finding:
    return Finding(rule=rule, severity=severity, message=message, clause=clause)


def _track_findings(app: Application, direction: Direction) -> tuple[Finding, ...]:
    tracks = direction.tracks
    clause = f"方向{direction.number} {direction.track_clause}"
    if not tracks:
        if app.track is None:
            return NO_FINDINGS
        return (
            _finding(
                "track", f"方向{direction.number}不分子类，已忽略填写的子类“{app.track}”。", clause, "warning"
            ),
        )
    choices = "、".join(f"{code}（{t.label}）" for code, t in tracks.items())
    if app.track is None:
        if not direction.track_required:
            return NO_FINDINGS
        return (_finding("track", f"本方向须选择申报子类：{choices}。", clause),)
    if app.track not in tracks:
        return (_finding("track", f"子类“{app.track}”不属于本方向，可选：{choices}。", clause),)
    return NO_FINDINGS


def _duration_findings(app: Application, direction: Direction) -> tuple[Finding, ...]:
    if app.duration_years == direction.duration_years:
        return NO_FINDINGS
    message = f"本方向实施年限为{direction.duration_years}年，申报为{app.duration_years}年。请按{direction.duration_years}年编制实施计划。"
    return (_finding("duration", message, f"方向{direction.number} 实施年限"),)


def _amount_findings(app: Application, direction: Direction) -> tuple[Finding, ...]:
    amount = direction.amount
    requested = app.funding.requested
    clause = f"方向{direction.number} 资助金额"
    yuan = labels.yuan
    if amount.kind == "post_subsidy":
        return _post_subsidy_findings(app, direction, clause)
    if amount.kind == "fixed":
        if requested == amount.amount:
            return NO_FINDINGS
        message = f"本方向每个项目资助{yuan(amount.amount)}（定额），申请为{yuan(requested)}。请按{yuan(amount.amount)}申请。"
        return (_finding("amount", message, clause),)
    if amount.kind == "per_track":
        track = direction.tracks.get(app.track)
        if track is None:
            return NO_FINDINGS
        low, high, what = 1, track.amount_max, f"{track.label}资助金额不超过{yuan(track.amount_max)}"
    elif amount.kind == "range":
        low, high, what = amount.min, amount.max, f"本方向每个项目资助{yuan(amount.min)}至{yuan(amount.max)}"
    else:
        low, high, what = 1, amount.max, f"本方向资助金额不超过{yuan(amount.max)}"
    if low <= requested <= high:
        return NO_FINDINGS
    if requested == 0:
        return (_finding("amount", "未填写申请市财政资助金额。", clause),)
    return (_finding("amount", f"{what}，申请为{yuan(requested)}。请调整申请金额。", clause),)


def _post_subsidy_findings(app: Application, direction: Direction, clause: str) -> tuple[Finding, ...]:
    amount = direction.amount
    outcomes = app.outcomes
    if outcomes is None or outcomes.new_benefit is None or outcomes.budget_executed is None:
        message = "本方向为先实施后补助，须填写新增经济效益（outcomes.new_benefit）和项目预算实际执行额（outcomes.budget_executed）。"
        return (_finding("amount", message, clause),)
    if outcomes.new_benefit < amount.threshold:
        message = (
            f"新增经济效益须达到{labels.yuan(amount.threshold)}方可获得后补助，"
            f"现为{labels.yuan(outcomes.new_benefit)}。"
        )
        return (_finding("amount", message, clause),)
    subsidy = amount.post_subsidy(new_benefit=outcomes.new_benefit, budget_executed=outcomes.budget_executed)
    if subsidy == 0:
        message = (
            f"补助额不超过项目预算实际执行额的{amount.max_share_of_executed_percent}%，"
            f"实际执行额为{labels.yuan(outcomes.budget_executed)}，按公式可补助0元。"
        )
        return (_finding("amount", message, clause),)
    if app.funding.requested <= subsidy:
        return NO_FINDINGS
    message = f"申请金额{labels.yuan(app.funding.requested)}高于按指南公式测算的补助额{labels.yuan(subsidy)}，以测算额为准。"
    return (_finding("amount", message, clause, "warning"),)


def _identifier_findings(app: Application, known: frozenset[str]) -> list[Finding]:
    found = []
    partners = app.partners if "partners" in known else ()
    leader = (app.leader,) if "leader" in known else ()
    team = app.team if "team" in known else ()
    for role, unit in (("牵头单位", app.lead), *(("参与单位", p) for p in partners)):
        problem = uscc_problem(unit.credit_code)
        if problem:
            message = f"{role}“{unit.name}”的统一社会信用代码 {unit.credit_code} 无效：{problem}。请核对后重新填写。"
            found.append(_finding("credit_code", message, "GB 32100-2015 统一社会信用代码"))
    for role, person in (*(("项目负责人", p) for p in leader), *(("团队成员", p) for p in team)):
        if person.id_type != "resident_id":
            continue
        problem = ric_problem(person.id_number)
        if problem:
            message = f"{role}“{person.name}”的居民身份证号码无效：{problem}。请核对后重新填写。"
            found.append(_finding("id_number", message, "GB 11643-1999 公民身份号码"))
    return found
