"""The customer's list: its rendered rows are cached under their own content, so every change of
what a row shows is on the next page view, and no organisation is ever served another's rows. The
org admin's pages come in one query each, in order, without gaps or repeats."""
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tickets import services
from tickets.views.portal import PAGE_SIZE


def make_admin(user):
    contact = user.contact
    contact.is_org_admin = True
    contact.save(update_fields=["is_org_admin"])
    return user


def numbers(html):
    return re.findall(r'href="/portal/tickets/(\d+)/"', html)


def test_every_change_of_a_row_is_on_the_next_view(client, customer_reza, ticket_a, agent_ali):
    client.force_login(make_admin(customer_reza))
    html = client.get("/portal/").content.decode()
    assert "Invoice print fails" in html and "Reza Tehrani" in html
    services.ticket_assign(ticket_a, actor=agent_ali, assignee=agent_ali)
    services.ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    ticket_a.refresh_from_db()
    assert client.get("/portal/").content.decode() != html  # the status label moved
    # Writes that bypass the services (the admin site, a shell) show too: the key is the content.
    type(ticket_a).objects.filter(pk=ticket_a.pk).update(subject="Renamed behind the services' back")
    customer_reza.contact.__class__.objects.filter(pk=customer_reza.contact.pk).update(name="Reza T. Renamed")
    html = client.get("/portal/").content.decode()
    assert "Renamed behind the services&#x27; back" in html and "Reza T. Renamed" in html
    assert "Invoice print fails" not in html


def test_rows_follow_the_readers_language(client, customer_reza, ticket_a):
    client.force_login(customer_reza)
    def rows():
        return client.get("/portal/").content.decode().split('data-testid="portal-tickets"')[1]

    persian = rows()
    customer_reza.language = "en"
    customer_reza.save(update_fields=["language"])
    english = rows()
    assert ">New<" in english and ">New<" not in persian
    assert f"#{ticket_a.number}" in english and f"#{ticket_a.number}" not in persian  # Persian digits


def test_admins_of_two_organisations_never_share_rows(client, customer_reza, ticket_a, outsider_olga):
    client.force_login(make_admin(customer_reza))
    assert ticket_a.subject in client.get("/portal/").content.decode()
    outsider_olga.language = "fa"  # the same language: only the organisation tells the pages apart
    outsider_olga.save(update_fields=["language"])
    client.force_login(make_admin(outsider_olga))
    html = client.get("/portal/").content.decode()
    assert ticket_a.subject not in html and "Reza Tehrani" not in html
    assert f"/portal/tickets/{ticket_a.number}/" not in html


def test_org_admin_pages_through_every_request_once_at_constant_cost(client, customer_reza, colleague_nika):
    made = [services.ticket_create(actor=user, requester=user.contact, subject=f"R{i}", body="b")
            for i, user in enumerate([customer_reza, colleague_nika] * (PAGE_SIZE // 2 + 3))]
    client.force_login(make_admin(colleague_nika))
    seen, url, costs = [], "/portal/", []
    while url:
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        costs.append(len(ctx))
        seen += numbers(html)
        more = re.search(r'href="\?cursor=([\w-]+)"', html)
        url = f"/portal/?cursor={more.group(1)}" if more else None
    assert seen == [str(t.number) for t in reversed(made)]  # newest first, none missing or repeated
    assert len(costs) == 2 and costs[0] == costs[1]


def test_a_colleague_who_is_not_admin_still_sees_only_her_own_and_followed(client, customer_reza, colleague_nika, ticket_a):
    mine = services.ticket_create(actor=colleague_nika, requester=colleague_nika.contact, subject="Nika's", body="b")
    client.force_login(colleague_nika)
    assert numbers(client.get("/portal/").content.decode()) == [str(mine.number)]
    ticket_a.followers.add(colleague_nika.contact)
    assert numbers(client.get("/portal/").content.decode()) == [str(mine.number), str(ticket_a.number)]
