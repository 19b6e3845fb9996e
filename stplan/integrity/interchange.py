"""Reading texts for `stplan similar` from files in the 申报数据交换格式 v1.

Only `id`, `title` and the texts are read (`summary`, `content`, `indicators`); every problem
becomes one Chinese line naming the file, the application and the key, and nothing is
compared unless every file was read whole.
"""

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

from stplan.eligibility.guide import GuideDataError, guide_text, load_guide_data
from stplan.eligibility.interchange import (
    DEFAULT_GUIDE,
    MAX_REPORTED_PROBLEMS,
    InputError,
    key_path,
    name_of,
    problem,
    read_document,
    read_file,
)
from stplan.integrity.engine import Document


class Texts(BaseModel):
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")

    id: StrictStr
    title: StrictStr
    summary: StrictStr = ""
    content: StrictStr = ""
    indicators: StrictStr = ""

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.summary, self.content, self.indicators) if part)


@dataclass(frozen=True)
class Collection:
    documents: list[Document]
    # How many of `documents` (the first ones) come from the file under examination.
    examined: int
    # The guide texts whose phrases prove no copying.
    guides: list[str]


def read_collection(path: str, *, against: list[str] = ()) -> Collection:
    problems: list[str] = []
    documents: list[Document] = []
    slugs: set[str] = set()
    seen: dict[str, str] = {}
    examined = 0
    for number, name in enumerate([path, *against]):
        try:
            items, slug = read_document(read_file(name))
        except InputError as exc:
            problems.extend(f"{name}: {p}" for p in exc.problems)
            continue
        slugs.add(slug or DEFAULT_GUIDE)
        for position, item in enumerate(items, start=1):
            label = name_of(item, position)
            if not isinstance(item, dict):
                problems.append(f"{name}: {label}: 应为对象")
                continue
            try:
                texts = Texts.model_validate(item)
            except ValidationError as exc:
                problems.extend(f"{name}: {label}: {key_path(e['loc'])}: {problem(e)}" for e in exc.errors())
                continue
            if texts.id in seen:
                problems.append(
                    f"{name}: {label}: id: 与 {seen[texts.id]} 中的申报重复，id 在所有文件中须唯一"
                )
                continue
            seen[texts.id] = name
            documents.append(Document(texts.id, texts.text))
        if number == 0:
            examined = len(documents)
    guides = []
    for slug in sorted(slugs):
        try:
            load_guide_data(slug)
        except GuideDataError as exc:
            problems.append(str(exc))
        else:
            guides.append(guide_text(slug))
    if problems:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        if len(problems) > len(shown):
            shown.append(f"……另有{len(problems) - len(shown)}处错误未列出")
        raise InputError(shown)
    return Collection(documents, examined, guides)
