import pytest

from pulang.core.models import WorkerHeartbeat
from pulang.core.services import queue_round_trip

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_goes_through_the_configured_queue_and_runs():
    beat_id = queue_round_trip(timeout=30)
    beat = WorkerHeartbeat.objects.get(pk=beat_id)
    assert beat.ran_at >= beat.requested_at
