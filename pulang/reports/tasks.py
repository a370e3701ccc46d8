from datetime import date

from django.tasks import task

from .rollup import ensure_rolled, settled_day


@task()
def figures_rollup_task() -> int:
    """Count every closed day missing from the daily figures (after an upgrade or a load
    around the services); the dashboard says meanwhile that its figures are being prepared."""
    return ensure_rolled(date.min, settled_day())
