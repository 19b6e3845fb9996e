"""Writes for 查重 and 失信: a run over a guide's batch, an officer's decision on a pair, the
imports of projects funded elsewhere and of outside 失信 lists."""

import datetime
import re
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from stplan.accounts.models import User
from stplan.applications.submission import submitted_content
from stplan.eligibility.guide import guide_text
from stplan.eligibility.identifiers import ric_problem, uscc_problem
from stplan.errors import ServiceError
from stplan.guides.models import Guide
from stplan.integrity import engine, selectors
from stplan.integrity.models import FundedElsewhere, SanctionEntry, SanctionSubject, ScanRun, SimilarPair
from stplan.spreadsheets import listed, read_rows
from stplan.workflow import perform, record


def scan(*, guide: Guide, actor: User, threshold: float | None = None) -> ScanRun:
    """Compare every application of the guide's batch with each other, with every application
    of other years and with the projects funded elsewhere; store the pairs found, keeping the
    officers' decisions on pairs found before."""
    if not actor.has_perm("integrity.scan"):
        raise ServiceError("只有科技局经办人可以进行查重。")
    threshold = settings.STPLAN_SIMILARITY_THRESHOLD if threshold is None else threshold
    started = time.perf_counter()
    with transaction.atomic():
        # One run of a batch at a time: two would both create the pairs they find.
        Guide.objects.select_for_update().filter(pk=guide.pk).first()
        applications = list(selectors.compared_applications().select_related("guide"))
        versions = selectors.latest_versions(applications)
        applications = [a for a in applications if a.pk in versions]
        registry = list(FundedElsewhere.objects.all())
        texts = {a.pk: selectors.application_text(submitted_content(versions[a.pk])) for a in applications}
        documents = [engine.Document(f"a{a.pk}", texts[a.pk]) for a in applications]
        documents += [engine.Document(f"r{r.pk}", r.text) for r in registry]
        guides = {a.guide.slug for a in applications}
        corpus = engine.Corpus(documents, ignore=[guide_text(slug) for slug in sorted(guides)])
        batch = [n for n, a in enumerate(applications) if a.guide_id == guide.pk]
        found = corpus.pairs(threshold=threshold, subjects=batch)
        by_key = {f"a{a.pk}": a for a in applications}
        registered = {f"r{r.pk}": r for r in registry}
        now = timezone.now()
        kept: set[int] = set()
        for pair in found:
            kept.add(_store(pair, by_key, registered, versions, texts, now, actor).pk)
        SimilarPair.objects.filter(application__guide=guide).exclude(pk__in=kept).update(stale=True)
        return ScanRun.objects.create(
            guide=guide,
            actor=actor,
            threshold=threshold,
            texts=len(documents),
            pairs=len(found),
            seconds=round(time.perf_counter() - started, 2),
        )


def _store(pair: engine.Pair, by_key, registered, versions, texts, now, actor) -> SimilarPair:
    a_is_registry = pair.a in registered
    if a_is_registry or pair.b in registered:
        # A project funded elsewhere is always the earlier one.
        application = by_key[pair.b if a_is_registry else pair.a]
        other = registered[pair.a if a_is_registry else pair.b]
        later_spans, other_spans = (
            (pair.b_spans, pair.a_spans) if a_is_registry else (pair.a_spans, pair.b_spans)
        )
        key = {"application": application, "registered": other}
        other_text, other_version = other.text, None
    else:
        first, second = by_key[pair.a], by_key[pair.b]
        swap = (first.first_submitted_at, first.pk) > (second.first_submitted_at, second.pk)
        application, earlier = (first, second) if swap else (second, first)
        later_spans, other_spans = (pair.a_spans, pair.b_spans) if swap else (pair.b_spans, pair.a_spans)
        key = {"application": application, "earlier": earlier}
        other_text, other_version = texts[earlier.pk], versions[earlier.pk].number
    values = {
        "similarity": pair.similarity,
        "application_version": versions[application.pk].number,
        "earlier_version": other_version,
        "application_text": texts[application.pk],
        "other_text": other_text,
        "application_spans": [list(s) for s in later_spans],
        "other_spans": [list(s) for s in other_spans],
        "shared": _shared(texts[application.pk], later_spans),
        "found_at": now,
        "stale": False,
    }
    stored = SimilarPair.objects.filter(**key).first()
    if stored is not None:
        for field, value in values.items():
            setattr(stored, field, value)
        stored.save(update_fields=list(values))
        return stored
    stored = SimilarPair.objects.create(**key, **values)
    record(
        stored,
        "find",
        actor=actor,
        payload={"similarity": f"{pair.similarity:.0%}", "other": stored.other_label},
    )
    return stored


def _shared(text: str, spans) -> list[str]:
    longest = sorted(spans, key=lambda s: s[0] - s[1])[: engine.PASSAGES_NAMED]
    return [text[start:end] for start, end in sorted(longest)]


DECISIONS = ("mark_distinct", "mark_duplicate", "allow")


def decide(*, pair: SimilarPair, action: str, actor: User, reason: str) -> SimilarPair:
    """An officer's 不是重复 / 重复申报 / 准予立项 on a pair, with the reason on record."""
    if action not in DECISIONS:
        raise ServiceError("请选择处理结论。")
    return perform(pair, action, actor=actor, reason=reason, payload={"similarity": f"{pair.similarity:.0%}"})


REGISTRY_COLUMNS = [
    ("承担单位", 30),
    ("项目负责人", 12),
    ("项目名称", 36),
    ("项目摘要", 60),
    ("立项年度", 10),
    ("资助来源", 20),
    ("资助金额（元）", 16),
]
# Row 1 names the columns, row 2 says how to fill them in.
REGISTRY_FIRST_ROW = 3


@transaction.atomic
def import_registry(*, actor: User, content: bytes) -> int:
    """Projects funded elsewhere from the xlsx template, all rows or none; a project already
    in the registry (same funder, year, title and unit) is updated, not doubled."""
    if not actor.has_perm("integrity.import_registry"):
        raise ServiceError("只有局管理员可以导入外部已立项项目。")
    problems: list[str] = []
    rows = []
    for number, raw in read_rows(content, first_row=REGISTRY_FIRST_ROW):
        unit, leader, title, summary, year, funder, amount = _cells(raw, len(REGISTRY_COLUMNS))
        texts = {
            "unit_name": str(unit).strip(),
            "leader_name": str(leader).strip(),
            "title": str(title).strip(),
            "summary": str(summary).strip(),
            "funder": str(funder).strip(),
        }
        missing = [
            label
            for label, key in (("承担单位", "unit_name"), ("项目名称", "title"), ("资助来源", "funder"))
            if not texts[key]
        ]
        if missing:
            problems.append(f"第{number}行：缺少{'、'.join(missing)}")
            continue
        for label, key in (
            ("承担单位", "unit_name"),
            ("项目负责人", "leader_name"),
            ("项目名称", "title"),
            ("资助来源", "funder"),
        ):
            limit = FundedElsewhere._meta.get_field(key).max_length
            if len(texts[key]) > limit:
                problems.append(f"第{number}行：{label}不能超过{limit}个字")
        parsed_year = _whole(year)
        if parsed_year is None or not 1949 <= parsed_year <= 2100:
            problems.append(f"第{number}行：立项年度应为四位年份，如 2021")
            continue
        parsed_amount = _whole(amount) if amount != "" else None
        if amount != "" and (parsed_amount is None or parsed_amount < 0):
            problems.append(f"第{number}行：资助金额应为以元为单位的整数")
            continue
        rows.append({**texts, "year": parsed_year, "amount": parsed_amount})
    if problems:
        raise ServiceError("导入失败，未导入任何项目：" + "；".join(listed(problems)))
    if not rows:
        raise ServiceError("文件中没有项目数据：请按模板从第3行起填写。")
    for row in rows:
        key = {k: row[k] for k in ("funder", "year", "title", "unit_name")}
        try:
            FundedElsewhere.objects.update_or_create(
                **key, defaults={**{k: v for k, v in row.items() if k not in key}, "imported_by": actor}
            )
        except IntegrityError:
            raise ServiceError("导入失败：文件中有重复的项目（同一资助来源、年度、名称和单位）。") from None
    return len(rows)


def _whole(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).replace(",", "").strip()
    return int(text) if text.isdigit() else None


def _cells(raw: tuple, count: int) -> list:
    """A row's first `count` values, blanks as "" and short rows padded."""
    return [("" if v is None else v) for v in (*raw, *[None] * count)][:count]


SANCTION_COLUMNS = [
    ("主体类型", 10),
    ("名称或姓名", 30),
    ("统一社会信用代码或身份证号", 24),
    ("认定日期", 12),
    ("惩戒截止日期", 14),
    ("认定机关", 24),
    ("失信行为", 50),
]
SUBJECT_KINDS = {str(label): value for value, label in SanctionSubject.choices}


@transaction.atomic
def import_sanctions(*, actor: User, content: bytes) -> int:
    """失信 records of an outside list from the xlsx template, all rows or none; a record
    already imported (same subject, date and authority) is updated, not doubled."""
    if not actor.has_perm("integrity.import_registry"):
        raise ServiceError("只有局管理员可以导入失信记录。")
    problems: list[str] = []
    rows = []
    for number, raw in read_rows(content, first_row=REGISTRY_FIRST_ROW):
        kind, name, identifier, on, until, authority, reason = _cells(raw, len(SANCTION_COLUMNS))
        row = {
            "subject_kind": SUBJECT_KINDS.get(str(kind).strip()),
            "name": str(name).strip(),
            "identifier": str(identifier).strip().upper(),
            "sanctioned_on": _day(on),
            "until": _day(until) if until != "" else None,
            "authority": str(authority).strip(),
            "reason": str(reason).strip(),
        }
        if found := _sanction_problems(row, until):
            problems.append(f"第{number}行：{'；'.join(found)}")
        else:
            rows.append(row)
    if problems:
        raise ServiceError("导入失败，未导入任何失信记录：" + "；".join(listed(problems)))
    if not rows:
        raise ServiceError("文件中没有失信记录：请按模板从第3行起填写。")
    keys = [(row["identifier"], row["sanctioned_on"], row["authority"]) for row in rows]
    if len(set(keys)) < len(keys):
        raise ServiceError("导入失败：文件中有重复的失信记录（同一主体、认定日期和认定机关）。")
    for row in rows:
        key = {k: row[k] for k in ("identifier", "sanctioned_on", "authority")}
        SanctionEntry.objects.update_or_create(
            **key, defaults={**{k: v for k, v in row.items() if k not in key}, "imported_by": actor}
        )
    return len(rows)


def _sanction_problems(row: dict, until) -> list[str]:
    found = []
    if row["subject_kind"] is None:
        found.append("主体类型应为“单位”或“个人”")
    for label, key in (("名称或姓名", "name"), ("认定机关", "authority"), ("失信行为", "reason")):
        limit = SanctionEntry._meta.get_field(key).max_length
        if not row[key]:
            found.append(f"缺少{label}")
        elif len(row[key]) > limit:
            found.append(f"{label}不能超过{limit}个字")
    identifier = row["identifier"]
    if row["subject_kind"] == SanctionSubject.UNIT and (problem := uscc_problem(identifier)):
        found.append(f"统一社会信用代码{problem}")
    if row["subject_kind"] == SanctionSubject.PERSON:
        # A 居民身份证号码 is checked to its check digit; other documents (护照 …) as typed.
        if not identifier:
            found.append("缺少身份证号")
        elif len(identifier) > 40:
            found.append("证件号码不能超过40位")
        elif len(identifier) == 18 and (problem := ric_problem(identifier)):
            found.append(f"身份证号{problem}")
    if row["sanctioned_on"] is None:
        found.append("认定日期应为日期，如 2021-06-30")
    if until != "" and row["until"] is None:
        found.append("惩戒截止日期应为日期，如 2024-06-29，无截止日期的留空")
    elif row["until"] and row["sanctioned_on"] and row["until"] < row["sanctioned_on"]:
        found.append("惩戒截止日期早于认定日期")
    return found


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    # Spreadsheets typed by hand write 2021-6-30, 2021/6/30 or 2021.6.30 as often as ISO dates.
    parts = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", str(value).strip())
    try:
        return datetime.date(*(int(p) for p in parts.groups())) if parts else None
    except ValueError:
        return None
