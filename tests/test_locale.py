"""The English catalogue is complete: every string the UI marks for translation has an
English msgstr, none is fuzzy, and the compiled .mo says the same as the .po."""

import ast
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import stplan
from tests.world import LeaderFactory

SOURCE = Path(stplan.__file__).resolve().parent
CATALOGUE = SOURCE / "locale" / "en" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""); enough of the format for
    what makemessages writes: flags, msgid, msgid_plural, msgstr[n], continued strings."""
    entries: list[Entry] = []
    entry, key = Entry(), None

    def finish():
        nonlocal entry, key
        if key is not None:
            entries.append(entry)
        entry, key = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if key is not None and key != "flags":
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if key is not None:
                finish()
            continue
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            word, _, rest = line.partition(" ")
            text = ast.literal_eval(rest)
            if word == "msgid":
                if key not in (None, "flags"):
                    finish()
                key = "msgid"
            elif word == "msgid_plural":
                key, entry.msgid_plural = "msgid_plural", ""
            elif word.startswith("msgstr"):
                key = int(word[7:-1]) if "[" in word else 0
                entry.msgstr[key] = ""
            else:
                raise AssertionError(f"{path}: unexpected line {raw!r}")
        if key == "msgid":
            entry.msgid += text
        elif key == "msgid_plural":
            entry.msgid_plural += text
        elif isinstance(key, int):
            entry.msgstr[key] += text
    finish()
    return entries


def messages(path: Path) -> list[Entry]:
    return [e for e in parse_po(path) if e.msgid and not e.obsolete]


def test_every_msgid_has_an_english_msgstr_and_none_is_fuzzy():
    entries = messages(CATALOGUE)
    assert len(entries) > 500
    untranslated = [e.msgid for e in entries if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert {"untranslated": untranslated, "fuzzy": fuzzy} == {"untranslated": [], "fuzzy": []}
    assert not [e for e in parse_po(CATALOGUE) if e.obsolete]


def test_compiled_catalogue_matches_the_po():
    with translation.override("en"):
        stale = [
            e.msgid
            for e in messages(CATALOGUE)
            if e.msgid_plural is None and translation.gettext(e.msgid) != e.msgstr[0]
        ]
    assert stale == [], "run python manage.py compilemessages"


def test_makemessages_would_add_or_drop_no_msgid(tmp_path, settings, monkeypatch):
    """Every {% translate %} and _() string in stplan is in the catalogue, and the catalogue
    has no string the code no longer uses: makemessages run on a copy changes no msgid."""
    copy = tmp_path / "stplan"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo", "*.pyc"))
    settings.LOCALE_PATHS = []  # only the copy's own locale directory is written
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    regenerated = messages(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    current = {e.msgid for e in messages(CATALOGUE)}
    assert sorted({e.msgid for e in regenerated} - current) == [], "missing from django.po"
    assert sorted(current - {e.msgid for e in regenerated}) == [], "no longer used"


@pytest.mark.parametrize(
    "line, expected",
    [
        ('msgid ""', Entry()),
        ('msgid "a\\"b"\nmsgstr "c"', Entry(msgid='a"b', msgstr={0: "c"})),
        (
            '#, fuzzy, python-format\nmsgid "x"\n"y"\nmsgstr ""\n"z"',
            Entry(msgid="xy", msgstr={0: "z"}, flags={"fuzzy", "python-format"}),
        ),
        (
            'msgid "n"\nmsgid_plural "ns"\nmsgstr[0] "one"\nmsgstr[1] ""',
            Entry(msgid="n", msgid_plural="ns", msgstr={0: "one", 1: ""}),
        ),
    ],
)
def test_parser(tmp_path, line, expected):
    po = tmp_path / "x.po"
    po.write_text(f"#: a.py:1\n{line}\n", encoding="utf-8")
    [entry] = parse_po(po) or [Entry()]
    assert entry == expected


@pytest.mark.django_db
def test_form_labels_end_in_a_full_width_colon_in_chinese(client):
    """Django's own zh_Hans catalogue keeps the ASCII ":" after labels; ours overrides it."""
    client.force_login(LeaderFactory())

    html = client.get(reverse("accounts:password_change"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    labels = re.findall(r"<label[^>]*>([^<]*)</label>", html)
    assert labels[1:] == ["旧密码：", "新密码：", "新密码确认："]
