from django.tasks import task

from .services import export_job_run


@task()
def export_job_task(*, job_id: int) -> str:
    """Write a large export in the background; the job's page polls its progress."""
    return export_job_run(job_id=job_id).status
