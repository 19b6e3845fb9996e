from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from stplan.jobs import services
from stplan.jobs.kinds import label_of
from stplan.jobs.models import Job, JobStatus
from stplan.listing import Sort, listing

JOB_SORTS = {
    "newest": Sort(_("最新在前"), ("-created_at", "-pk")),
    "oldest": Sort(_("最早在前"), ("created_at", "pk")),
}


def started(request, job: Job, *, back: str):
    """Where a page that started `job` goes next: to the job's progress while a worker has
    it; back to `back`, with the job's outcome as the message, when it ran here and now (no
    worker configured)."""
    if not job.finished:
        return redirect("jobs:detail", pk=job.pk)
    if job.status == JobStatus.FAILED:
        messages.error(request, job.error)
    else:
        messages.success(request, job.summary)
    return redirect(back)


def _own(request, pk) -> Job:
    # Someone else's job is no business of this person: it does not exist for them.
    return get_object_or_404(Job, pk=pk, owner=request.user)


@login_required
def job_list(request):
    shown = listing(request, Job.objects.filter(owner=request.user), sorts=JOB_SORTS)
    rows = [(job, label_of(job.kind)) for job in shown.rows]
    return render(request, "jobs/list.html", {"rows": rows, "listing": shown})


def _context(job: Job) -> dict:
    return {"job": job, "label": label_of(job.kind), "running": not job.finished}


@login_required
def job_detail(request, pk):
    return render(request, "jobs/detail.html", _context(_own(request, pk)))


@login_required
def job_progress(request, pk):
    """What the job page polls: the progress bar, until the job has finished."""
    job = _own(request, pk)
    if job.status == JobStatus.RUNNING:
        # A poll is also the moment to notice that the job's worker has died.
        services.recover()
        job.refresh_from_db()
    return render(request, "jobs/_progress.html", _context(job))


@login_required
def job_download(request, pk):
    job = _own(request, pk)
    if job.status != JobStatus.DONE or not job.result:
        raise Http404
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=job.result_name)
