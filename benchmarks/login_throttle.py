"""Login throttling, tried as an attacker would: how many password guesses reach the password
check, per scenario, with the counters in Redis shared by several server processes.

    .venv/bin/python benchmarks/login_throttle.py [--redis redis://127.0.0.1:6379/14] [--processes 3]

Builds a fresh SQLite database with 21 accounts in a temporary folder, then runs each scenario
in `--processes` separate Python processes (each one a Django process with its own Client, as
gunicorn workers are), all counting in the same Redis database, which is flushed first. A guess
"let through" is one the server checked against the password (wrong-password page, HTTP 200);
a refused one got HTTP 429 without its password being looked at; the admin's login page sends
every attempt to the one login page (HTTP 302) without looking at it.
"""

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "Benchmark-pw-2022"
ROOT = Path(__file__).resolve().parents[1]


def _setup(database: str, redis_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database,
        STPLAN_REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="stplan.settings",
        STPLAN_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _build(database: str, redis_url: str) -> None:
    _setup(database, redis_url)
    from django.core.management import call_command

    from stplan.accounts.models import Role, User

    call_command("migrate", verbosity=0)
    for n in range(21):
        User.objects.create_user(f"person{n:02d}", password=PASSWORD, role=Role.OFFICER, full_name=f"甲{n}")
    User.objects.filter(username="person20").update(is_staff=True, is_superuser=True)


def _guesses(args) -> dict:
    """One server process's share of a scenario: (url, username, password, address) tuples."""
    database, redis_url, attempts = args
    _setup(database, redis_url)
    from django.test import Client

    counts: dict[str, int] = {}
    for url, username, password, address in attempts:
        client = Client(REMOTE_ADDR=address)
        response = client.post(url, {"username": username, "password": password})
        if "_auth_user_id" in client.session:
            key = "logged_in"
        elif response.status_code == 302 and response["Location"].startswith(LOGIN):
            key = "sent_to_login"
        else:
            key = {200: "let_through", 429: "refused"}.get(
                response.status_code, f"HTTP {response.status_code}"
            )
        counts[key] = counts.get(key, 0) + 1
    return counts


LOGIN = "/accounts/login/"
ADMIN = "/admin/login/"


def scenarios() -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    wrong = "wrong-password"
    return [
        (
            "喷洒：一个地址对20个账号各猜10次（200次）",
            [(LOGIN, f"person{n % 20:02d}", wrong, "198.51.100.1") for n in range(200)],
        ),
        (
            "同一账号40次，三个进程分担，一个地址",
            [(LOGIN, "person00", wrong, "198.51.100.2") for _ in range(40)],
        ),
        (
            "同一账号的变体写法（前后空格、全角）40次，一个地址",
            [
                (LOGIN, variant, wrong, "198.51.100.3")
                for variant in ["person01", " person01", "person01 ", "ｐｅｒｓｏｎ０１"] * 10
            ],
        ),
        (
            "分布式：同一账号从200个地址各猜1次",
            [(LOGIN, "person02", wrong, f"203.0.113.{n % 250}:{n}") for n in range(200)],
        ),
        (
            "后台登录页 /admin/login/ 同一账号40次",
            [(ADMIN, "person20", wrong, "198.51.100.4") for _ in range(40)],
        ),
        (
            "他人从别的地址猜错10次之后，本人从自己的地址用正确密码登录",
            [(LOGIN, "person03", wrong, "198.51.100.5") for _ in range(10)]
            + [(LOGIN, "person03", PASSWORD, "192.0.2.77")],
        ),
        (
            "本人成功登录20次后再输错1次",
            [(LOGIN, "person04", PASSWORD, "192.0.2.78") for _ in range(20)]
            + [(LOGIN, "person04", wrong, "192.0.2.78")],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--processes", type=int, default=3)
    args = parser.parse_args()

    import redis

    connection = redis.Redis.from_url(args.redis)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        sys.exit(f"没有可用的 Redis：{args.redis}")
    folder = tempfile.mkdtemp(prefix="stplan-throttle-")
    database = f"sqlite:///{folder}/stplan.sqlite3"
    started = time.perf_counter()
    _build(database, args.redis)
    print(f"建库 {time.perf_counter() - started:.1f} s；{args.processes} 个服务进程共用 {args.redis}")
    spawn = multiprocessing.get_context("spawn")
    rows = []
    with spawn.Pool(args.processes) as pool:
        for name, attempts in scenarios():
            connection.flushdb()
            # Sequential scenarios (the real user's last try) keep their order: one process.
            ordered = "本人" in name
            shares = [attempts] if ordered else [attempts[i :: args.processes] for i in range(args.processes)]
            results = pool.map(_guesses, [(database, args.redis, share) for share in shares])
            total = {key: sum(r.get(key, 0) for r in results) for key in {k for r in results for k in r}}
            rows.append({"scenario": name, "attempts": len(attempts), "processes": len(shares), **total})
    connection.flushdb()
    print("| 场景 | 尝试 | 进程 | 放行（核对了密码） | 拒绝（429） | 转到统一登录页 | 登录成功 |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['scenario']} | {row['attempts']} | {row['processes']} | {row.get('let_through', 0)} | "
            f"{row.get('refused', 0)} | {row.get('sent_to_login', 0)} | {row.get('logged_in', 0)} |"
        )
    print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
