"""Load benchmark of the production stack: real HTTP requests, logged-in users, per page.

Start the server first as production runs it (gunicorn, WhiteNoise, Redis, PostgreSQL), on
a database grown by benchmarks/build_data.py, e.g.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/stplan_bench REDIS_URL=redis://127.0.0.1:6379/12
    STPLAN_SECRET_KEY=$(python -c 'import secrets;print(secrets.token_urlsafe(50))') STPLAN_HTTPS=0 \\
        STPLAN_WEB_WORKERS=4 bash scripts/serve.sh &
    .venv/bin/python benchmarks/web_load.py --base http://127.0.0.1:8000

Three measurements per page, each bounded in time and sending requests only to --base:
  1 user       one person requesting the page back to back: p50 and p95 of the latency;
  20 users     twenty people who each wait 1–3 s between requests (as people do), all pages
               mixed at random: p95 per page;
  saturation   twenty clients requesting the page with no wait: requests per second.
The pages' ids (a ranking, a plan, a draft) are read from the same database with Django.
"""

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stplan.settings")

PASSWORD = "stplan-demo"
LOOPBACK = re.compile(r"^http://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$")


@dataclass(frozen=True)
class Scenario:
    name: str
    username: str | None  # None: a visitor, not logged in
    path: str


def scenarios() -> list[Scenario]:
    import django

    django.setup()
    from stplan.applications.models import Application, Status
    from stplan.funding.models import FundingPlan
    from stplan.review.models import ReviewRound

    round_pk = ReviewRound.objects.order_by("pk").values_list("pk", flat=True).first()
    plan_pk = FundingPlan.objects.order_by("pk").values_list("pk", flat=True).first()
    draft_pk = (
        Application.objects.filter(leader__username="fuzeren-gaoxiao", status=Status.DRAFT)
        .values_list("pk", flat=True)
        .first()
    )
    found = [
        Scenario("形审台（局管理员，无筛选）", "admin", "/applications/desk/"),
        Scenario("形审台 第20页", "admin", "/applications/desk/?page=20"),
        Scenario("形审台 方向+状态筛选", "admin", "/applications/desk/?direction=25&status=recommended"),
        Scenario("形审台 关键词 ?q=", "admin", "/applications/desk/?q=%E6%99%BA%E8%83%BD"),
        Scenario("形审台（科室）", "keshi-rencai", "/applications/desk/"),
        Scenario("工作台（科室）", "keshi-rencai", "/workspace/"),
        Scenario("工作台（局管理员）", "admin", "/workspace/"),
        Scenario("申报书列表（单位管理员）", "gaoxiao-admin", "/applications/"),
        Scenario("项目列表", "admin", "/projects/"),
        Scenario("项目看板", "admin", "/projects/dashboard/"),
        Scenario("专家库", "admin", "/review/experts/"),
        Scenario("专家：我的评审", "zhuanjia-01", "/review/mine/"),
        Scenario("负责人工作台", "fuzeren-gaoxiao", "/workspace/"),
        Scenario("公开：申报指南", None, "/guides/guilin-2022/"),
    ]
    if round_pk:
        found.append(Scenario("评审排名", "admin", f"/review/rounds/{round_pk}/ranking/"))
        found.append(Scenario("评审批次", "admin", f"/review/rounds/{round_pk}/"))
    if plan_pk:
        found.append(Scenario("立项方案", "admin", f"/funding/{plan_pk}/"))
    if draft_pk:
        found.append(Scenario("申报书填写页", "fuzeren-gaoxiao", f"/applications/{draft_pk}/edit/"))
    return found


class Client:
    """One person's browser: a cookie jar, logged in once."""

    def __init__(self, base: str, username: str | None):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        if username:
            self._login(username)

    def _login(self, username: str) -> None:
        page = self.opener.open(f"{self.base}/accounts/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{self.base}/accounts/login/", data=data, headers={"Referer": f"{self.base}/accounts/login/"}
        )
        with self.opener.open(request, timeout=60) as response:
            if "/accounts/login/" in response.url:
                raise SystemExit(f"{username} 登录失败：请先在该数据库上运行 manage.py load_demo")

    def get(self, path: str) -> tuple[float, int]:
        started = time.perf_counter()
        try:
            with self.opener.open(f"{self.base}{path}", timeout=90) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:  # timed out, or the connection was dropped (a worker killed at its timeout)
            status = 0
        return time.perf_counter() - started, status


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def one_user(client: Client, scenario: Scenario, seconds: float, at_most: int) -> list[float]:
    client.get(scenario.path)  # warm-up: connection, caches, the worker's first import
    times = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(times) < at_most:
        elapsed, status = client.get(scenario.path)
        if status != 200:
            raise SystemExit(f"{scenario.name} {scenario.path}: HTTP {status}")
        times.append(elapsed)
    return times


def crowd(clients: dict, pages: list[Scenario], users: int, seconds: float, wait: tuple[float, float]):
    """`users` threads for `seconds` picking pages at random; a role's people share one
    login (logging in is deliberately slow, and is not what is measured)."""
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def person(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            scenario = rng.choice(pages)
            elapsed, status = clients[scenario.username].get(scenario.path)
            if time.monotonic() > deadline:
                break  # finished after the window: not counted in its rate
            with lock:
                if status == 200:
                    results[scenario.name].append(elapsed)
                else:
                    errors[scenario.name] += 1
            if wait[1]:
                time.sleep(rng.uniform(*wait))

    threads = [threading.Thread(target=person, args=(seed,)) for seed in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--single-seconds", type=float, default=10, help="per page, one user")
    parser.add_argument(
        "--crowd-seconds", type=float, default=90, help="twenty users waiting 1–3 s, all pages"
    )
    parser.add_argument("--saturation-seconds", type=float, default=8, help="per page, no wait")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--only", default="", help="run only pages whose name contains this")
    args = parser.parse_args()
    if not LOOPBACK.match(args.base):
        raise SystemExit("--base 只能是本机地址（127.0.0.1、localhost 或 [::1]）")
    pages = [p for p in scenarios() if args.only in p.name]
    from stplan.applications.models import Application

    print(f"申报 {Application.objects.count()} 项；服务器 {args.base}；本机负载 {os.getloadavg()}")
    clients = {name: Client(args.base, name) for name in {p.username for p in pages}}
    single = {p.name: one_user(clients[p.username], p, args.single_seconds, 200) for p in pages}
    print(
        f"1 人：每页 {args.single_seconds:.0f} s；{args.users} 人：等待 1–3 s，混合 {args.crowd_seconds:.0f} s"
    )
    crowd_times, crowd_errors = crowd(clients, pages, args.users, args.crowd_seconds, (1.0, 3.0))
    saturation = {}
    for page in pages:
        times, errors = crowd(clients, [page], args.users, args.saturation_seconds, (0, 0))
        saturation[page.name] = (len(times[page.name]) / args.saturation_seconds, errors[page.name])
    print(f"本机负载（结束时）{os.getloadavg()}")
    print()
    header = f"| 页面 | 1 人 p50 ms | 1 人 p95 ms | {args.users} 人 p95 ms（n） | 饱和吞吐 req/s | 错误 |"
    print(header)
    print("|" + "---|" * 6)
    for page in pages:
        ones = single[page.name]
        many = crowd_times.get(page.name, [])
        rate, saturation_errors = saturation[page.name]
        print(
            f"| {page.name} | {statistics.median(ones) * 1000:.0f} | {percentile(ones, 95) * 1000:.0f} "
            f"| {percentile(many, 95) * 1000:.0f} ({len(many)}) | {rate:.1f} "
            f"| {crowd_errors.get(page.name, 0) + saturation_errors} |"
        )


if __name__ == "__main__":
    main()
