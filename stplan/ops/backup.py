"""One archive holds everything stplan keeps: the database and the stored files.

The archive is a tar file with `manifest.json` (what it holds, each member's SHA-256, each
table's row count), the database (`pg_dump` custom format on PostgreSQL, SQLite's online
backup otherwise) and, under `media/`, every file of the default storage (the media folder,
or the S3 bucket when one is configured). Restoring checks every checksum first and
goes only into an empty database: it never mixes a backup with live data. History tables
and their triggers come back as they were, because the dump restores the schema too.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from stplan.errors import ServiceError

MANIFEST = "manifest.json"
FORMAT = 1


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
    ]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _dump_database(target: Path) -> str:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        name = settings.DATABASES["default"]["NAME"]
        subprocess.run(
            ["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), name],
            env=env,
            check=True,
            capture_output=True,
        )
        return "database.pgdump"
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    with destination:
        connection.connection.backup(destination)
    destination.close()
    return "database.sqlite3"


def stored_names(folder: str = "") -> list[str]:
    """Every file in the default storage (the media folder or the S3 bucket)."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_names(f"{folder}{sub}/")
    return sorted(names)


def backup(output: Path) -> dict:
    """Write the archive to `output` and return its manifest."""
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "database"
        name = _dump_database(database)
        members = {name: database}
        for stored in stored_names():
            copy = Path(work) / "media" / stored
            copy.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(stored, "rb") as source, copy.open("wb") as target:
                shutil.copyfileobj(source, target)
            members[f"media/{stored}"] = copy
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": connection.vendor,
            "database": name,
            "tables": table_counts(),
            "files": {member: _sha256(path) for member, path in members.items()},
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            for member, path in members.items():
                archive.add(path, arcname=member)
        # A backup interrupted half-way never takes the name of a finished one.
        partial.replace(output)
    return manifest


def _empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(archive_path: Path) -> dict:
    """Restore the archive into the configured (empty) database and media folder."""
    if not _empty():
        raise ServiceError("目标数据库不是空的：恢复只能写入新建的空数据库，以免与现有数据混在一起。")
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path) as archive:
        archive.extractall(work, filter="data")
        root = Path(work)
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ServiceError("备份文件的格式不认识。")
        for member, digest in manifest["files"].items():
            if not (root / member).is_file() or _sha256(root / member) != digest:
                raise ServiceError(f"备份文件已损坏：{member} 的校验值不符，未做任何恢复。")
        if manifest["vendor"] != connection.vendor:
            raise ServiceError(f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {connection.vendor}。")
        database = root / manifest["database"]
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            connection.close()
            subprocess.run(
                [
                    "pg_restore",
                    *args,
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "-d",
                    settings.DATABASES["default"]["NAME"],
                    str(database),
                ],
                env=env,
                check=True,
                capture_output=True,
            )
        else:
            connection.ensure_connection()
            source = sqlite3.connect(database)
            source.backup(connection.connection)
            source.close()
        for member in manifest["files"]:
            if member.startswith("media/"):
                name = member.removeprefix("media/")
                with (root / member).open("rb") as content:
                    saved = default_storage.save(name, File(content))
                if saved != name:
                    raise ServiceError(f"附件存储中已有 {name}：恢复须使用空的附件目录或存储桶。")
    restored = table_counts()
    if restored != manifest["tables"]:
        raise ServiceError("恢复后各表的行数与备份时不符。")
    return manifest
