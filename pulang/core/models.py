from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """Written by a background task, so an operator can tell that the task queue really runs."""

    backend = models.CharField(max_length=100)
    requested_at = models.DateTimeField()
    ran_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("detak pekerja latar")
        ordering = ["-ran_at"]
        get_latest_by = "ran_at"

    def __str__(self) -> str:
        return f"{self.backend} @ {self.ran_at:%Y-%m-%d %H:%M:%S}"
