"""The manager dashboard's summary tables: per local day, what the ticket table would say.

Why marginals and not one row per (day, organisation, team, product, priority, channel, type):
at ~900 tickets a day that full cross product has ~one row per ticket (measured on the 1M bench:
332,662 rows for a year of 333k tickets), so reading it costs what reading the tickets does. The
panels only show one dimension at a time (by priority, channel, type, product, organisation, day)
under optional team or product filters, so each row here is one GROUPING SETS row: `g` says which
set (the GROUPING() bitmask over DIMS; day is in every set) and the columns outside the set are NULL.
An organisation filter narrows the tickets enough to read them live (tickets/reports/summary.py).

Rows are rebuilt by tickets/reports/rollup.py (DELETE + INSERT ... SELECT per range of days); a
StatsDay row says a day was rebuilt and when, so a reader uses only days rebuilt after they ended.
Plain integer columns, not foreign keys: a summary must never block deleting a team or product.
"""
from django.db import models
from django.utils import timezone

# GROUPING() argument order; the first is the most significant bit of `g`.
DIMS = ("team_id", "product_id", "priority", "channel", "type", "organization_id")
HIST_DIMS = ("team_id", "product_id")


class StatsDay(models.Model):
    """A local day whose summary rows were rebuilt at `rebuilt_at`; complete once that is after the day."""

    day = models.DateField(primary_key=True)
    rebuilt_at = models.DateTimeField(default=timezone.now)


class DailyTicketStats(models.Model):
    class Cohort(models.TextChoices):
        CREATED = "c", "created that day"  # counts first responses (they belong to the first day)
        RESOLVED = "r", "resolved that day"  # counts resolutions

    day = models.DateField()
    cohort = models.CharField(max_length=1, choices=Cohort.choices)
    g = models.SmallIntegerField()  # GROUPING(DIMS): bit set = that column is not in this row's set
    team_id = models.BigIntegerField(null=True)
    product_id = models.BigIntegerField(null=True)
    priority = models.CharField(max_length=10, null=True)
    channel = models.CharField(max_length=10, null=True)
    type = models.CharField(max_length=20, null=True)
    organization_id = models.BigIntegerField(null=True)
    n = models.IntegerField()  # tickets
    measured = models.IntegerField()  # with the SLA flag set (first response or resolution, per cohort)
    met = models.IntegerField()  # ... and not breached

    class Meta:
        indexes = [
            # a reader asks for one set, one filter value (NULL when unfiltered), a range of days
            # covering: a year of one set is read from the index alone (no heap visits)
            models.Index(fields=["cohort", "g", "team_id", "product_id", "day"], name="dailystats_read",
                         include=["priority", "channel", "type", "organization_id", "n", "measured", "met"]),
            models.Index(fields=["day"], name="dailystats_day"),  # the rebuild's DELETE
        ]


class DailyMinutesHistogram(models.Model):
    """How many tickets took exactly `minutes` business minutes: exact percentiles by summing bins."""

    class Metric(models.TextChoices):
        FIRST_RESPONSE = "fr", "first response (created that day)"
        RESOLUTION = "res", "resolution (resolved that day)"

    day = models.DateField()
    metric = models.CharField(max_length=3, choices=Metric.choices)
    g = models.SmallIntegerField()  # GROUPING(HIST_DIMS); priority and minutes are in every set
    team_id = models.BigIntegerField(null=True)
    product_id = models.BigIntegerField(null=True)
    priority = models.CharField(max_length=10)
    minutes = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["metric", "g", "team_id", "product_id", "day"], name="dailyhist_read",
                         include=["priority", "minutes", "n"]),
            models.Index(fields=["day"], name="dailyhist_day"),
        ]
