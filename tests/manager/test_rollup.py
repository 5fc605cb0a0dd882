"""The summary tables (tickets/reports/rollup.py) give the figures the tickets table gives, and the
report reads them only for days they are known complete for (the StatsDay marker)."""
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.manager.conftest import make
from tickets.models import Ticket
from tickets.models_stats import DailyMinutesHistogram, DailyTicketStats, StatsDay
from tickets.reports import dashboard, flow, summary
from tickets.reports.rollup import mask, stats_rebuild
from tickets.reports.scope import Scope

pytestmark = pytest.mark.django_db


def at(days_ago, hour, minute=0):
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def midnight(dataset, customer_reza, support_team, agent_ali, product):
    """Four tickets ten minutes either side of Tehran midnight (the same UTC day: 20:20 and 20:40 UTC)."""
    reza = customer_reza.contact
    made = []
    for days_ago, hour, minute, fr, res, prio in ((3, 23, 50, 15, 100, "high"), (2, 0, 10, 45, 700, "high"),
                                                  (3, 23, 55, 75, None, "low"), (2, 0, 5, 5, 60, "urgent")):
        t = make(reza, days_ago=days_ago, status="closed" if res else "open", team=support_team, assignee=agent_ali,
                 product=product, priority=prio, fr=fr, fr_breached=fr > 40, res=res, res_breached=res and res > 500,
                 resolved_days_ago=1 if res else None, channel="chat")
        Ticket.objects.filter(pk=t.pk).update(created_at=at(days_ago, hour, minute),
                                              resolved_at=at(1, 23, 58) if res else None)
        made.append(t)
    return made


def figures(**query):
    """Every figure the flow panels show, as plain values (a fresh Scope: the day split is cached on it)."""
    scope = Scope.from_query(query)
    created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)

    def key(r):
        return tuple(str(v) for v in r.values())

    tables = [flow.sla_table(scope, created, resolved), flow.times_table(scope, created, resolved),
              flow.flow_table(scope, created, resolved)]
    return {"created": sorted(map(key, created)), "resolved": sorted(map(key, resolved)),
            "tables": [[[c.value for c in row] for row in t.rows] for t in tables]}


def read_from_summary(**query):
    return summary.rolled_days(Scope.from_query(query))


@pytest.mark.parametrize("filters", ["", "team", "product", "organization"])
def test_rollup_gives_the_live_figures_across_a_tehran_midnight(midnight, support_team, product, filters):
    query = {"from": (timezone.localdate() - timedelta(days=120)).isoformat()}
    if filters:
        query[filters] = {"team": support_team.pk, "product": product.pk, "organization": midnight[0].organization_id}[filters]
    live = figures(**query)
    assert not read_from_summary(**query)  # nothing rebuilt yet: all live
    stats_rebuild(timezone.localdate() - timedelta(days=200), timezone.localdate())
    if filters != "organization":  # an organisation is read live whatever the summary holds
        assert len(read_from_summary(**query)) == 120  # every past day of the period; today stays live
    assert figures(**query) == live


def test_the_midnight_tickets_fall_on_their_local_days(midnight):
    stats_rebuild(timezone.localdate() - timedelta(days=5), timezone.localdate())
    day = {r.day: r.n for r in DailyTicketStats.objects.filter(cohort="c", g=mask(("priority",)), priority="high")}
    # one high ticket each side of midnight
    assert day[timezone.localdate() - timedelta(days=3)] == 1 and day[timezone.localdate() - timedelta(days=2)] == 1


def test_rebuild_is_idempotent(midnight):
    first, last = timezone.localdate() - timedelta(days=120), timezone.localdate()
    stats_rebuild(first, last)
    rows = sorted(DailyTicketStats.objects.values_list("day", "cohort", "g", "priority", "channel", "type",
                                                        "product_id", "organization_id", "team_id", "n", "measured", "met"))
    hist = sorted(DailyMinutesHistogram.objects.values_list("day", "metric", "g", "priority", "minutes", "n"))
    stats_rebuild(first, last)
    stats_rebuild(first + timedelta(days=3), first + timedelta(days=40))
    assert sorted(DailyTicketStats.objects.values_list("day", "cohort", "g", "priority", "channel", "type", "product_id",
                                                       "organization_id", "team_id", "n", "measured", "met")) == rows
    assert sorted(DailyMinutesHistogram.objects.values_list("day", "metric", "g", "priority", "minutes", "n")) == hist
    assert StatsDay.objects.count() == 121


def test_the_marker_makes_the_report_read_live_days_that_are_not_rolled_up(midnight, dataset):
    stats_rebuild(timezone.localdate() - timedelta(days=60), timezone.localdate())
    # a change the summary has not seen: res_c (created 8 days ago) becomes urgent
    Ticket.objects.filter(pk=dataset["res_c"].pk).update(priority="urgent")
    stale = figures()
    urgent = [r for r in stale["tables"][0] if r[0] == "Urgent"][0]
    assert urgent[1] == 1  # only the midnight ticket: the eight-day-old day is read from the summary
    StatsDay.objects.filter(day=timezone.localdate() - timedelta(days=8)).delete()
    assert [r for r in figures()["tables"][0] if r[0] == "Urgent"][0][1] == 2  # that day is live now
    # a day rebuilt before it ended is not complete either
    StatsDay.objects.all().update(rebuilt_at=at(5, 12))
    assert read_from_summary() == [timezone.localdate() - timedelta(days=d) for d in range(29, 5, -1) if d != 8]


def page(**query):
    tables = dashboard(Scope.from_query(query))["tables"]
    return [[t.name, [[(c.value, c.text, c.url) for c in row] for row in t.rows]] for t in tables]


def test_command_backfills_and_the_dashboard_reads_the_same(midnight):
    year = {"from": (timezone.localdate() - timedelta(days=364)).isoformat()}
    before = page(**year)
    call_command("stats_rebuild", "--all")
    assert StatsDay.objects.exists() and summary.rolled_days(Scope.from_query({}))
    assert page(**year) == before
    call_command("stats_rebuild", "--days", "3")
    headline = dashboard(Scope.from_query({}))["headline"]
    assert headline["fr_pct"].value is not None


def test_beat_task_rebuilds_today_yesterday_and_days_of_updated_tickets(midnight, dataset):
    from tickets.tasks_stats import stats_rebuild_recent

    Ticket.objects.filter(pk=dataset["old"].pk).update(updated_at=timezone.now())
    stats_rebuild_recent()
    days = set(StatsDay.objects.values_list("day", flat=True))
    today = timezone.localdate()
    assert {today, today - timedelta(days=1), today - timedelta(days=100), today - timedelta(days=99)} <= days


def test_percentiles_from_bins_equal_percentile_cont_to_the_bit(customer_reza, support_team):
    """Ties, odd and even counts, and fractions that are not exact in binary (0.9 * 36 = 32.4)."""
    import random

    from django.db.models import FloatField

    from tickets.reports.tables import Percentile

    rng = random.Random(7)
    for i in range(37):
        make(customer_reza.contact, days_ago=i % 9, priority=("low", "high")[i % 2], team=support_team,
             fr=rng.choice([0, 7, 7, 13, 59, 60, 61, 240, 1000 + i]), fr_breached=False)
    expected = {}
    for prio in (None, "low", "high"):
        qs = Ticket.objects.filter(**({"priority": prio} if prio else {}))
        expected[prio] = qs.aggregate(p50=Percentile("first_response_minutes", 0.5, output_field=FloatField()),
                                      p90=Percentile("first_response_minutes", 0.9, output_field=FloatField()))
    for rebuild in (False, True):
        if rebuild:
            stats_rebuild(timezone.localdate() - timedelta(days=20), timezone.localdate())
        scope = Scope.from_query({})
        got = summary.percentiles(scope, "fr", scope.created().filter(summary.live_q(scope, "created_at")),
                                  "first_response_minutes")
        for prio in (None, "low", "high"):
            found = got[(1 if prio else 0, prio)]
            assert (found["p50"], found["p90"]) == (expected[prio]["p50"], expected[prio]["p90"])
