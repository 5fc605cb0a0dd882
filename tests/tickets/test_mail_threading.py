"""Tests for tickets.mail.threading: what to look up to find a message's ticket."""

from __future__ import annotations

from pathlib import Path

import pytest

from tickets.mail.parse import ParsedEmail, parse_email
from tickets.mail.threading import ThreadKeys, normalize_subject, thread_candidates, ticket_number_in

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "emails"


def test_persian_reply_gives_message_ids_newest_first_and_ticket_number():
    keys = thread_candidates(parse_email((FIXTURES / "persian_client_quote.eml").read_bytes()))
    assert keys == ThreadKeys(
        message_ids=["ticket-1234-reply-2@poshtiban.example", "ticket-1234-reply-1@poshtiban.example",
                     "ticket-1234@poshtiban.example"],
        subject_ticket_number=1234,
        normalized_subject="[#۱۲۳۴] مشکل ورود به حساب",
    )


def test_in_reply_to_comes_before_references_without_duplicates():
    parsed = ParsedEmail(in_reply_to=["c@x"], references=["a@x", "b@x", "c@x"])
    assert thread_candidates(parsed).message_ids == ["c@x", "b@x", "a@x"]


def test_message_without_threading_headers_has_no_ids():
    keys = thread_candidates(ParsedEmail(subject="New problem"))
    assert keys.message_ids == [] and keys.subject_ticket_number is None


@pytest.mark.parametrize("subject, number", [
    ("[#1234] Printer", 1234),
    ("Re: Fwd: [#42] Printer", 42),
    ("RE: [Poshtiban #77] Printer", 77),
    ("پاسخ: [#۱۲۳۴] چاپگر", 1234),
    ("Re: [# ٥٦ ] طابعة", 56),
    ("Printer #1234 broken", None),
    ("[1234] no hash", None),
    ("", None),
])
def test_ticket_number_is_read_from_subject_token(subject, number):
    assert ticket_number_in(subject) == number
    assert thread_candidates(ParsedEmail(subject=subject)).subject_ticket_number == number


@pytest.mark.parametrize("subject, expected", [
    ("Re: Fwd: Printer", "Printer"),
    ("RE: RE: re: Printer", "Printer"),
    ("AW: WG: Drucker", "Drucker"),
    ("Fw: Re[2]: Printer", "Printer"),
    ("پاسخ: ارسال مجدد: چاپگر", "چاپگر"),
    ("Re: [#12] RE: Printer", "[#12] Printer"),
    ("  Re:   Printer   jam ", "Printer jam"),
    ("Reply needed for invoice", "Reply needed for invoice"),
    ("پاسخ خودکار: چاپگر", "پاسخ خودکار: چاپگر"),
])
def test_normalize_subject_removes_reply_and_forward_prefixes(subject, expected):
    assert normalize_subject(subject) == expected
