"""Each dashboard figure against the hand-built dataset of conftest.py (known answers)."""
import pytest
from django.utils import timezone

from tickets import reports
from tickets.reports import flow, people
from tickets.reports.backlog import backlog
from tickets.reports.scope import Scope

pytestmark = pytest.mark.django_db


def last_30():
    return Scope.from_query({})


def row(table, label):
    return next(r for r in table.rows if r[0].text == str(label))


def values(cells):
    return [c.value for c in cells]


def test_backlog_counts_open_tickets_by_state_team_and_priority_in_local_day_age_buckets(dataset):
    table = backlog(last_30())
    # columns: label, by, open, today, 1-2 d, 3-6 d, 1-4 w, 30+ d
    assert values(row(table, "New")[2:]) == [1, 1, 0, 0, 0, 0]
    assert values(row(table, "Open")[2:]) == [1, 0, 1, 0, 0, 0]
    assert values(row(table, "Waiting on customer")[2:]) == [1, 0, 0, 0, 1, 0]
    assert values(row(table, "On hold")[2:]) == [1, 0, 0, 0, 0, 1]
    assert values(row(table, "Support")[2:]) == [2, 1, 1, 0, 0, 0]
    assert values(row(table, "No team")[2:]) == [1, 0, 0, 0, 0, 1]
    assert values(row(table, "Urgent")[2:]) == [1, 1, 0, 0, 0, 0]
    assert values(row(table, "All open")[2:]) == [4, 1, 1, 0, 1, 1]
    assert table.headline["open"].value == 4 and table.headline["unassigned"].value == 2


def test_sla_compliance_counts_first_responses_of_created_and_resolutions_of_resolved_tickets(dataset):
    scope = last_30()
    created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)
    table = flow.sla_table(scope, created, resolved)
    total = row(table, "All priorities")
    # created in 30 days with a first response: open_2d, wait_10d (breached), res_a, res_b (breached), res_c
    assert values(total[1:4]) == [5, 3, 60.0]
    # resolved in 30 days: res_a, res_b (breached), res_c
    assert values(total[4:7]) == [3, 2, 66.7]
    assert values(row(table, "High")[1:4]) == [1, 0, 0.0]


def test_times_are_percentiles_of_stored_business_minutes(dataset):
    scope = last_30()
    created, resolved = flow.created_figures(scope), flow.resolved_figures(scope)
    head = created_total = [r for r in created if r["set"] == 0][0]
    # first response minutes 30, 90, 20, 120, 40: median 40, p90 = 90 + 0.6 * 30 = 108
    assert (head["fr_p50"], head["fr_p90"]) == (40.0, 108.0)
    res = [r for r in resolved if r["set"] == 0][0]
    # resolution minutes 240, 600, 300: median 300, p90 = 300 + 0.8 * 300 = 540
    assert (res["res_p50"], res["res_p90"]) == (300.0, 540.0)
    table = flow.times_table(scope, created, resolved)
    assert values(row(table, "All priorities")[1:]) == [0.7, 1.8, 5.0, 9.0]  # hours
    assert created_total["n"] == 6


def test_volume_by_channel_type_product_and_organisation_counts_tickets_created_in_the_period(dataset, product):
    scope = last_30()
    names = reports.filter_names()
    tables = {t.name: t for t in flow.volume_tables(scope, flow.created_figures(scope), names)}
    assert values(row(tables["by_channel"], "Email")[1:]) == [2, 33.3]
    assert values(row(tables["by_channel"], "Portal")[1:2]) == [3]
    types = {r[0].text: r[1].value for r in tables["by_type"].rows}
    assert types == {"Training question": 1, "Software defect": 2, "User error": 1, "Feature request": 1,
                     "Customisation": 1, "Other": 0}
    assert values(row(tables["by_product"], product.name)[1:2]) == [2]
    assert values(row(tables["by_organization"], "Pars Software")[1:2]) == [4]
    assert values(row(tables["by_organization"], "Olga Trading")[1:2]) == [2]


def test_incoming_and_resolved_per_day_cover_every_day_of_the_period(dataset):
    scope = last_30()
    table = flow.flow_table(scope, flow.created_figures(scope), flow.resolved_figures(scope))
    assert len(table.rows) == 30
    by_day = {r[0].value: (r[1].value, r[2].value) for r in table.rows}
    today = timezone.localdate()
    assert by_day[(today - timezone.timedelta(days=3)).isoformat()] == (0, 2)
    assert by_day[today.isoformat()] == (1, 0)
    assert sum(v[0] for v in by_day.values()) == 6 and sum(v[1] for v in by_day.values()) == 3


def test_agent_performance_counts_resolutions_median_first_response_satisfaction_and_reopens(dataset):
    table = people.agents_table(last_30())
    ali = row(table, "Ali Rahimi")
    # res_a (fr 20, score 5) and res_b (fr 120, score 2, reopened)
    assert values(ali[1:]) == [2, 1.2, 3.5, 2, 50.0]
    assert values(row(table, "Sara Karimi")[1:]) == [1, 0.7, 4.0, 1, 0.0]


def test_referral_turnaround_per_unit(dataset):
    table = people.referrals_table(last_30())
    assert values(row(table, "Development")[1:]) == [2, 2, 0, 0, 4.0, 5.6]
    assert values(row(table, "Sales")[1:5]) == [1, 0, 1, 1]


def test_satisfaction_trend_by_day_with_average_and_share_satisfied(dataset):
    table = people.satisfaction_table(last_30())
    assert [values(r[1:]) for r in table.rows] == [[2, 3.5, 50.0], [1, 4.0, 100.0]]
    assert table.headline["csat"].value == 3.67 and table.headline["satisfied"].value == 66.7


def test_deflection_rate_is_deflected_over_deflected_plus_portal_tickets(dataset, manager_maryam):
    from knowledge.models import Article, ArticleEvent

    article = Article.objects.create(title="Printing invoices", slug="printing", body="...")
    for kind in ("suggested", "suggested", "suggest_click", "deflected"):
        ArticleEvent.objects.create(article=article, kind=kind)
    table = people.deflection_table(last_30(), portal_tickets=3)
    assert table.headline["rate"].value == 25.0
    assert row(table, "Suggested")[1].value == 2
