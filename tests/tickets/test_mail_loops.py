"""Tests for tickets.mail.loops: never auto-answer a machine, never answer ourselves."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tickets.mail.loops import LoopVerdict, classify_loop, over_rate_limit
from tickets.mail.parse import ParsedEmail, parse_email

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "emails"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
OWN = {"support@poshtiban.example", "noreply@poshtiban.example"}
DOMAIN = "poshtiban.example"


def verdict(parsed: ParsedEmail) -> LoopVerdict:
    return classify_loop(parsed, own_addresses=OWN, own_message_id_domain=DOMAIN)


def fixture(name: str) -> LoopVerdict:
    return verdict(parse_email((FIXTURES / name).read_bytes()))


def customer(**changes) -> ParsedEmail:
    base = dict(from_address="customer@example.ir", message_id="m1@example.ir", subject="Help",
                headers={"subject": ["Help"]})
    base.update(changes)
    return ParsedEmail(**base)


def test_customer_message_is_normal_and_may_be_acknowledged():
    result = fixture("persian_client_quote.eml")
    assert result.kind == "normal" and result.may_auto_reply


def test_rfc3834_auto_submitted_reply_is_not_answered():
    result = fixture("auto_reply.eml")
    assert result == LoopVerdict("auto_reply", "Auto-Submitted: auto-replied")
    assert not result.may_auto_reply


def test_auto_submitted_no_is_a_person():
    assert verdict(customer(headers={"auto-submitted": ["no"]})).kind == "normal"


def test_outlook_auto_reply_is_not_answered():
    result = fixture("out_of_office.eml")
    assert result.kind == "auto_reply" and "X-Auto-Response-Suppress" in result.reason


def test_persian_out_of_office_is_not_answered():
    assert fixture("out_of_office_persian.eml").kind == "auto_reply"


def test_x_auto_response_suppress_alone_is_a_normal_outlook_message():
    assert verdict(customer(headers={"x-auto-response-suppress": ["All"]})).kind == "normal"


@pytest.mark.parametrize("subject", [
    "Out of Office: Printer", "Automatic reply: [#12] Printer", "Auto: Printer", "AutoReply: x",
    "پاسخ خودکار: چاپگر", "خارج از دفتر", "Abwesenheitsnotiz: Drucker",
])
def test_out_of_office_subjects_are_auto_replies(subject):
    assert verdict(customer(subject=subject)).kind == "auto_reply"


@pytest.mark.parametrize("subject", ["Out of office hours support?", "Automatic backups fail", "Auto renewal"])
def test_subjects_merely_mentioning_offices_are_normal(subject):
    assert verdict(customer(subject=subject)).kind == "normal"


@pytest.mark.parametrize("header", ["x-autoreply", "x-autorespond"])
def test_vendor_autoreply_headers_are_auto_replies(header):
    assert verdict(customer(headers={header: ["yes"]})).kind == "auto_reply"


def test_precedence_junk_is_auto_reply_and_bulk_or_list_is_list():
    assert verdict(customer(headers={"precedence": ["junk"]})).kind == "auto_reply"
    assert verdict(customer(headers={"precedence": ["bulk"]})).kind == "list"
    assert verdict(customer(headers={"precedence": ["List"]})).kind == "list"


@pytest.mark.parametrize("header", ["list-id", "list-unsubscribe"])
def test_mailing_list_mail_is_not_answered(header):
    assert verdict(customer(headers={header: ["<news.example.com>"]})).kind == "list"


def test_delivery_status_notification_is_a_bounce():
    result = fixture("dsn_bounce.eml")
    assert result.kind == "bounce" and "delivery status" in result.reason


def test_corpus_postmaster_dsn_is_a_bounce():
    raw = (CORPUS / "emails/mail-parser/mail_malformed_2").read_bytes()
    assert verdict(parse_email(raw)).kind == "bounce"


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.net", "postmaster@example.net"])
def test_mailer_daemon_and_postmaster_are_bounces(sender):
    assert verdict(customer(from_address=sender.lower())).kind == "bounce"


def test_failed_recipients_header_is_a_bounce():
    assert verdict(customer(headers={"x-failed-recipients": ["x@example.net"]})).kind == "bounce"


def test_our_own_address_coming_back_is_own_mail():
    result = verdict(customer(from_address="support@poshtiban.example"))
    assert result.kind == "own_mail" and not result.may_auto_reply


def test_our_own_message_id_coming_back_is_own_mail():
    assert verdict(customer(message_id="ticket-1234-reply-1@POSHTIBAN.example")).kind == "own_mail"


def test_x_loop_naming_us_is_own_mail():
    assert verdict(customer(headers={"x-loop": ["support@poshtiban.example"]})).kind == "own_mail"


def test_own_mail_wins_over_auto_reply_markers():
    parsed = customer(from_address="noreply@poshtiban.example", headers={"auto-submitted": ["auto-generated"]})
    assert verdict(parsed).kind == "own_mail"


def test_null_return_path_is_never_answered():
    assert verdict(customer(headers={"return-path": ["<>"]})).kind == "auto_reply"


# --------------------------------------------------------------------------
# Rate limit
# --------------------------------------------------------------------------

NOW = datetime(2023, 5, 11, 12, 0, tzinfo=timezone.utc)


def test_rate_limit_counts_only_messages_inside_the_window():
    recent = [NOW - timedelta(minutes=m) for m in (1, 5, 50, 120)]
    assert over_rate_limit(recent, NOW, limit=3, window=timedelta(hours=1))
    assert not over_rate_limit(recent, NOW, limit=4, window=timedelta(hours=1))


def test_rate_limit_ignores_the_window_edge_and_the_future():
    recent = [NOW - timedelta(hours=1), NOW + timedelta(minutes=1)]
    assert not over_rate_limit(recent, NOW, limit=1, window=timedelta(hours=1))


def test_rate_limit_accepts_naive_timestamps_as_utc():
    assert over_rate_limit([datetime(2023, 5, 11, 11, 59)], NOW, limit=1, window=timedelta(minutes=5))


def test_rate_limit_of_zero_always_blocks():
    assert over_rate_limit([], NOW, limit=0, window=timedelta(hours=1))
