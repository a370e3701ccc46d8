from django.tasks import task

from .rollup import ensure_rolled, history_start, settled_day


@task()
def figures_rollup_task() -> int:
    """Count every closed day missing from the daily figures (after an upgrade or a load
    around the services); the dashboard says meanwhile that its figures are being prepared."""
    first = history_start()
    if first is None:
        return 0
    return ensure_rolled(first, settled_day())
