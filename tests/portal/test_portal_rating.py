"""Rating a resolution: from the portal or the signed email link; once; only after resolution."""
import re
import time
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import mail

from tickets.models import SatisfactionRating
from tickets.services import TicketError, ratings


def link_path(ticket):
    return urlsplit(ratings.rating_link(ticket)).path


def test_customer_rates_a_resolved_ticket_in_the_portal(client, customer_reza, resolved_ticket, agent_ali):
    client.force_login(customer_reza)
    html = client.get(f"/portal/tickets/{resolved_ticket.number}/").content.decode()
    assert 'data-testid="rating-form"' in html
    response = client.post(f"/portal/tickets/{resolved_ticket.number}/rate/", {"score": "4", "comment": "quick"})
    assert response.status_code == 302
    rating = SatisfactionRating.objects.get(ticket=resolved_ticket)
    assert (rating.score, rating.comment, rating.source, rating.agent, rating.contact) == (
        4, "quick", "portal", agent_ali, customer_reza.contact)
    assert resolved_ticket.events.filter(kind="rated", data__score=4).exists()
    html = client.get(f"/portal/tickets/{resolved_ticket.number}/").content.decode()
    assert 'data-testid="rating"' in html and 'data-testid="rating-form"' not in html


def test_a_ticket_is_rated_only_once(client, customer_reza, resolved_ticket):
    client.force_login(customer_reza)
    client.post(f"/portal/tickets/{resolved_ticket.number}/rate/", {"score": "5"})
    client.post(f"/portal/tickets/{resolved_ticket.number}/rate/", {"score": "1"})
    assert SatisfactionRating.objects.get(ticket=resolved_ticket).score == 5
    response = client.post(link_path(resolved_ticket), {"score": "1"})
    assert response.status_code == 409 and b'data-testid="already-rated"' in response.content
    assert SatisfactionRating.objects.get(ticket=resolved_ticket).score == 5


def test_resolution_email_carries_a_signed_link_that_rates_without_login(client, ticket_a, agent_ali,
                                                                         django_capture_on_commit_callbacks):
    from tickets.services import ticket_transition

    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(ticket_a, actor=agent_ali, action="resolve")
    body = mail.outbox[-1].body
    path = re.search(r"https?://\S+?(/portal/rate/\S+/)", body).group(1)
    response = client.get(path)
    assert response.status_code == 200 and b'data-testid="rating-form"' in response.content
    assert not SatisfactionRating.objects.exists()  # opening the link (a mail scanner) rates nothing
    response = client.post(path, {"score": "2", "comment": "slow"})
    assert response.status_code == 200 and b'data-testid="rate-thanks"' in response.content
    rating = SatisfactionRating.objects.get(ticket=ticket_a)
    assert (rating.score, rating.source, rating.contact) == (2, "email", ticket_a.requester)


def test_tampered_link_is_rejected(client, resolved_ticket):
    path = link_path(resolved_ticket)
    ticket_id, stamp, signature = path.rstrip("/").rsplit("/", 1)[1].split(":")
    for forged in (f"{ticket_id + '0'}:{stamp}:{signature}", f"{ticket_id}:{stamp}:{signature[:-2]}xx", "garbage"):
        assert client.get(f"/portal/rate/{forged}/").status_code == 404
        assert client.post(f"/portal/rate/{forged}/", {"score": "5"}).status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_expired_link_is_rejected(client, resolved_ticket):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - ratings.RATING_LINK_MAX_AGE - 60):
        path = link_path(resolved_ticket)
    response = client.post(path, {"score": "5"})
    assert response.status_code == 410 and b'data-testid="rate-problem"' in response.content
    assert not SatisfactionRating.objects.exists()


def test_rating_is_not_possible_before_resolution(client, customer_reza, ticket_a):
    client.force_login(customer_reza)
    assert 'data-testid="rating-form"' not in client.get(f"/portal/tickets/{ticket_a.number}/").content.decode()
    client.post(f"/portal/tickets/{ticket_a.number}/rate/", {"score": "5"})
    response = client.post(link_path(ticket_a), {"score": "5"})
    assert response.status_code == 400
    assert b'data-testid="not-yet"' in client.get(link_path(ticket_a)).content
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, "", "five", None])
def test_rating_service_accepts_only_scores_from_one_to_five(resolved_ticket, customer_reza, score):
    with pytest.raises(TicketError):
        ratings.rating_submit(resolved_ticket, contact=customer_reza.contact, score=score)
    assert not SatisfactionRating.objects.exists()


def test_rating_service_refuses_a_contact_of_another_organisation(resolved_ticket, outsider_olga):
    with pytest.raises(TicketError):
        ratings.rating_submit(resolved_ticket, contact=outsider_olga.contact, score=5)
