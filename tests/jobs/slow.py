"""A job kind for the worker tests: forty steps of a tenth of a second, each reported, and
its file only at the end, so a worker can be killed in the middle of it."""

import time

from stplan.jobs import kinds

SLOW = "tests.slow"
STEPS = 40


def slow(job, progress) -> kinds.Outcome:
    for step in range(1, STEPS + 1):
        time.sleep(0.1)
        progress(step, STEPS)
    return kinds.Outcome(file=("slow.txt", b"complete\n" * STEPS), summary="慢任务完成。")


kinds.register(SLOW, label="测试用慢任务", run=slow)
