"""Six people pressing 提交 on one 申报书 at once, through the web view.

Used in-process on PostgreSQL (tests/applications/test_concurrency.py) and, run as
`python -m tests.applications.parallel_submits`, in a process of its own on a file SQLite
database: the in-memory database of the test run shares one cache between threads and cannot
show how SQLite's own lock behaves."""

import html
import json
import re
import threading

from django.db import connections
from django.test import Client
from django.urls import reverse

PRESSES = 6


def shown(page: str) -> list[str]:
    block = re.search(r'<ul class="messages" role="status">(.*?)</ul>', page, re.S)
    return [html.unescape(text) for text in re.findall(r"<li[^>]*>(.*?)</li>", block[1])] if block else []


def race_submits(application, leader, presses: int = PRESSES) -> list[tuple[int, list[str]]]:
    """Each press's HTTP status and the messages on the page it ends on."""
    form = {k: list(v) for k, v in type(application).objects.get(pk=application.pk).form.items()}
    url = reverse("applications:submit", args=[application.pk])
    barrier = threading.Barrier(presses)
    outcomes: list[tuple[int, list[str]]] = []

    def press():
        try:
            client = Client(raise_request_exception=False)
            client.force_login(leader)
            barrier.wait()
            response = client.post(url, form, follow=True)
            outcomes.append((response.status_code, shown(response.content.decode())))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def main() -> None:
    """A fresh database, one complete draft, six presses: prints the outcomes as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.world import draft_25, open_guide

    draft = draft_25(guide=open_guide())
    outcomes = race_submits(draft, draft.leader)
    draft.refresh_from_db()
    print(json.dumps({"outcomes": outcomes, "status": draft.status, "versions": draft.versions.count()}))


if __name__ == "__main__":
    main()
