"""Background work as its page shows it: moving, or stopped.

A manifest's check and a long export run in a background task that records its progress as
it goes. The process running one can stop (a restart of the web process that ran it in a
thread, a crash) or no worker may read the queue; the record then waits for ever. Work
that has not moved for `STALLED_AFTER` is shown as stopped, with a button that queues it
again.
"""

from datetime import datetime, timedelta

from django.utils import timezone

# Running work moves every few hundred rows, and a file of the largest accepted size is
# read in well under this.
STALLED_AFTER = timedelta(minutes=10)


def stalled(moved_at: datetime) -> bool:
    """Whether work that last moved (started, or recorded progress) at `moved_at` stopped."""
    return timezone.now() - moved_at > STALLED_AFTER
