"""Attachments and job results in an S3-compatible object store (django-storages), against
moto's standalone S3 server started here: what the bureau runs when STPLAN_S3_BUCKET is set."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from stplan.applications.jobs import DESK_EXPORT
from stplan.demo.builders import MINIMAL_PDF
from stplan.jobs import services as jobs
from tests.world import OfficerFactory, draft_25, open_guide

BUCKET = "stplan-test"
KEYS = {"access_key": "testing", "secret_key": "testing"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    executable = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.skip("moto_server is not installed")
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(s3_server, settings):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **settings.S3_STORAGE,
            "OPTIONS": {
                **settings.S3_STORAGE["OPTIONS"],
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                **KEYS,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.django_db
def test_attachment_is_stored_in_the_bucket_and_served_through_the_permission_check(client, bucket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stplan.applications import services

    application = draft_25(guide=open_guide())
    before = keys(bucket)
    attachment = services.add_attachment(
        application=application,
        actor=application.leader,
        code="id_card",
        upload=SimpleUploadedFile("id_card.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    assert sorted(set(keys(bucket)) - set(before)) == [attachment.file.name]
    stored = bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    assert stored == MINIMAL_PDF
    url = reverse("applications:attachment", args=[application.pk, attachment.pk])
    assert client.get(url).status_code == 302  # not logged in: to the login page
    client.force_login(application.leader)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF


@pytest.mark.django_db
def test_job_result_is_stored_in_the_bucket(client, bucket):
    officer = OfficerFactory()
    job = jobs.start(kind=DESK_EXPORT, owner=officer, params={})
    assert keys(bucket) == [job.result.name]
    client.force_login(officer)
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(response.streaming_content)[:2] == b"PK"  # an xlsx is a zip
