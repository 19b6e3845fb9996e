"""`manage.py backup` then `manage.py restore` into a new, empty database and media folder,
in another process as an operator would run it: every table and every file comes back."""

import hashlib
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tests.world import open_guide, submitted_25

ROOT = Path(__file__).resolve().parents[2]


def rows_digest(cursor, tables) -> dict[str, str]:
    """Per table, a checksum of its rows in a fixed order, whatever order they come back in."""
    digests = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        rows = sorted(repr(row) for row in cursor.fetchall())
        digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def files_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def empty_database(tmp_path):
    """A new database with nothing in it, and its URL; dropped afterwards on PostgreSQL."""
    if connection.vendor != "postgresql":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES)
        return
    import psycopg

    db = connection.settings_dict
    name = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}",
            lambda: psycopg.connect(dbname=name, **params),
        )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def source_connection():
    if connection.vendor == "postgresql":
        import psycopg

        db = connection.settings_dict
        return psycopg.connect(dbname=db["NAME"], host=db["HOST"], port=db["PORT"], user=db["USER"])
    connection.ensure_connection()
    return connection.connection


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_back_every_table_and_file(tmp_path, empty_database):
    url, connect = empty_database
    submitted_25(guide=open_guide())  # a submitted application: versions, events, places, attachments
    media = Path(settings.MEDIA_ROOT)
    assert files_digest(media), "the application's attachments are stored files"
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive))

    restored_media = tmp_path / "restored-media"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "STPLAN_MEDIA_ROOT": str(restored_media),
        "STPLAN_DATA_DIR": str(tmp_path / "data"),
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
    source = source_connection()
    target = connect()
    try:
        before = rows_digest(source.cursor(), tables)
        after = rows_digest(target.cursor(), tables)
    finally:
        target.close()
        if connection.vendor == "postgresql":
            source.close()
    assert after == before
    assert files_digest(restored_media) == files_digest(media)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive))
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_archive_and_restores_nothing(tmp_path, empty_database):
    url, _connect = empty_database
    archive = tmp_path / "backup.tar"
    call_command("backup", output=str(archive))
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database"):
                data = data[:-10] + b"0123456789"
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "STPLAN_MEDIA_ROOT": str(tmp_path / "restored-media"),
        "STPLAN_DATA_DIR": str(tmp_path / "data"),
    }
    run = subprocess.run(
        [sys.executable, "manage.py", "restore", str(damaged)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1
    assert "备份文件已损坏：database." in run.stderr
    assert not (tmp_path / "restored-media").exists()
