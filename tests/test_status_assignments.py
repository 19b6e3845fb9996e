"""A build check: no code outside the workflow kernel (stplan/workflow.py) assigns a status.

Every status change goes through `stplan.workflow.perform`; an assignment elsewhere (in
the code or as state surgery in a test) would move a status without its event."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLOWED = {Path("stplan/workflow.py")}
WRITES = {"update", "create", "get_or_create", "update_or_create", "bulk_create"}


def _sources():
    for top in ("stplan", "tests"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative in ALLOWED:
                continue
            yield relative


def _targets(node):
    if isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)
    else:
        yield node


def _is_factory(cls: ast.ClassDef) -> bool:
    names = []
    for base in cls.bases:
        names.append(base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", ""))
    return any(name.endswith("Factory") for name in names)


def _sets_status(call: ast.Call) -> bool:
    """A `status=` keyword, or `**{"status": ...}`."""
    for keyword in call.keywords:
        if keyword.arg == "status":
            return True
        if (
            keyword.arg is None
            and isinstance(keyword.value, ast.Dict)
            and any(isinstance(k, ast.Constant) and k.value == "status" for k in keyword.value.keys)
        ):
            return True
    return False


def status_writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in (t for each in targets for t in _targets(each)):
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    found.append((node.lineno, "assignment to .status"))
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "status"
            ):
                found.append((node.lineno, 'setattr(..., "status", ...)'))
            if isinstance(func, ast.Name) and func.id.endswith("Factory") and _sets_status(node):
                found.append((node.lineno, f"{func.id}(status=...)"))
            if isinstance(func, ast.Attribute) and func.attr in WRITES:
                if _sets_status(node):
                    found.append((node.lineno, f".{func.attr}(status=...)"))
                if func.attr == "bulk_create":
                    for arg in node.args:
                        for inner in ast.walk(arg):
                            if isinstance(inner, ast.Call) and _sets_status(inner):
                                found.append((inner.lineno, "bulk_create of objects with status=..."))
        elif isinstance(node, ast.ClassDef) and _is_factory(node):
            for statement in node.body:
                if isinstance(statement, (ast.Assign, ast.AnnAssign)):
                    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                    if any(isinstance(t, ast.Name) and t.id == "status" for t in targets):
                        found.append((statement.lineno, "factory class attribute status = ..."))
    return sorted(set(found))


def _check(source: str) -> list[tuple[int, str]]:
    return status_writes(ast.parse(source))


def test_no_status_is_assigned_outside_the_workflow_kernel():
    offences = [
        f"{path}:{line}: {what}"
        for path in _sources()
        for line, what in status_writes(ast.parse((ROOT / path).read_text(), filename=str(path)))
    ]
    assert not offences, (
        "Status assigned outside stplan/workflow.py (use stplan.workflow.perform):\n" + "\n".join(offences)
    )


def test_status_check_catches_writes():
    source = "\n".join(
        [
            "x.status = 1",
            "a.status, b = 1, 2",
            "(a, (b, c.status)) = 1, (2, 3)",
            "setattr(x, 'status', 1)",
            "Model.objects.filter(pk=1).update(status='a')",
            "Model.objects.create(status='a')",
            "Model.objects.get_or_create(pk=1, status='a')",
            "Model.objects.update_or_create(pk=1, status='a')",
            "Model.objects.bulk_create([Model(status='a')])",
            "Model.objects.create(**{'name': 'x', 'status': 'a'})",
            "UnitFactory(status='pending')",
            "class UnitFactory(factory.django.DjangoModelFactory):\n    status = 'approved'",
        ]
    )
    assert [line for line, _what in _check(source)] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]


def test_status_check_lets_reads_pass():
    source = "\n".join(
        [
            "Model.objects.filter(status='a')",
            "Model.objects.exclude(status='a')",
            "Q(status='a')",
            "y = x.status",
            "if x.status == 'a': pass",
            "Model.objects.filter(status='a').update(note='b')",
            "class Form:\n    status = 'a'",
        ]
    )
    assert _check(source) == []
