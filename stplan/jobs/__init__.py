"""Long jobs (exports, assignment proposals) run outside the web request, with progress.

An app registers what a kind of job does (`kinds.register`); `services.start` records a Job
and hands it to a Celery worker when a broker is configured, or runs it in the same process
after the request's transaction commits (the embedded default). The job page polls the
progress with htmx. A worker killed mid-job leaves the job running with an old heartbeat:
`services.recover` puts it back in the queue, or marks it failed with the reason once its
attempts are spent. A kind writes its result in one transaction or one file at the end, so
a killed attempt leaves nothing half-written.
"""
