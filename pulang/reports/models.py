from django.db import models


class DailyFigure(models.Model):
    """How many events of one kind one shelter had on one local day, by one key: the daily
    rollup the dashboard and `pulang stats` add up instead of counting a year of events on
    every request (pulang/reports/rollup.py, decision 0011). Derived from the events; a day's
    rows are rebuilt whenever something on that day changes."""

    day = models.DateField()
    shelter = models.ForeignKey(
        "agencies.Shelter", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    figure = models.CharField(max_length=30)
    key = models.CharField(max_length=60, blank=True)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Sums read a figure over days (with its shelter and count, from the index alone);
            # a day counted again is replaced by day.
            models.Index(
                fields=["figure", "day", "shelter", "key", "n"], name="dailyfigure_figure_day"
            ),
            models.Index(fields=["day"], name="dailyfigure_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.shelter_id} {self.figure}:{self.key} = {self.n}"


class RolledDay(models.Model):
    """A closed local day whose DailyFigure rows are complete and current. A change to any
    event of that day deletes its row; the next reader rebuilds the day."""

    day = models.DateField(primary_key=True)
    built_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.day)
