"""Tests for tickets.mail.parse: raw bytes in, ParsedEmail out, never an exception."""

from __future__ import annotations

import struct
import unicodedata
from datetime import timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tickets.mail.parse import ParsedEmail, decode_text, parse_email

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "emails"
# the shared corpus sits beside the repository (/work/main -> /work/shared)
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
CORPUS_FILES = sorted(p for p in (CORPUS / "emails").rglob("*") if p.is_file()) if CORPUS.is_dir() else []


def fixture(name: str) -> ParsedEmail:
    return parse_email((FIXTURES / name).read_bytes())


def readable(text: str) -> bool:
    """Mostly printable characters, few replacement marks: a person can read it."""
    if not text.strip():
        return False
    bad = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\n\t\r"))
    return bad / len(text) < 0.02


# --------------------------------------------------------------------------
# The real corpus, read in place
# --------------------------------------------------------------------------

def test_corpus_is_found_beside_the_repository():
    assert CORPUS.is_dir(), f"shared corpus expected at {CORPUS}"
    assert len(CORPUS_FILES) >= 40


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_corpus_message_parses_to_readable_body_or_attachment(path: Path):
    parsed = parse_email(path.read_bytes())
    assert isinstance(parsed, ParsedEmail)
    assert readable(parsed.text) or parsed.attachments, parsed.defects
    assert parsed.stable_id


def test_corpus_malformed_dsn_keeps_report_parts():
    parsed = parse_email((CORPUS / "emails/mail-parser/mail_malformed_2").read_bytes())
    assert "delivery problems" in parsed.text
    assert "message/delivery-status" in [a.content_type for a in parsed.attachments]


def test_corpus_wrong_boundary_is_recovered():
    parsed = parse_email((CORPUS / "emails/mail-parser/mail_malformed_3").read_bytes())
    assert "Problemas para visualizar" in parsed.text
    assert any("recovered" in d for d in parsed.defects)


def test_corpus_outlook_msg_file_is_kept_as_attachment():
    raw = (CORPUS / "emails/mail-parser/mail_outlook_1").read_bytes()
    parsed = parse_email(raw)
    assert parsed.attachments[0].content == raw
    assert any("not an email" in d for d in parsed.defects)


def test_corpus_encoded_comma_in_display_name_does_not_split_address():
    parsed = parse_email((CORPUS / "emails/mail-parser/mail_test_18").read_bytes())
    assert parsed.from_name == "LastßlName, FirstName"
    assert parsed.from_address == "comma.name@example.com"
    assert [a for _, a in parsed.cc] == ["simple@example.net", "john.doe@example.com"]


# --------------------------------------------------------------------------
# Charsets
# --------------------------------------------------------------------------

def test_windows_1256_persian_body_is_decoded():
    parsed = fixture("persian_windows1256.eml")
    assert "من نمي توانم وارد حساب كاربري خود شوم" in parsed.text
    assert parsed.subject == "مشكل ورود"
    assert parsed.from_name == "علي رضايي"
    assert parsed.from_address == "ali.rezaei@example.ir"
    assert parsed.defects == []


def test_iso_8859_6_arabic_body_is_decoded():
    parsed = fixture("arabic_iso8859_6.eml")
    assert "لدي مشكلة في الطلب رقم 42" in parsed.text
    assert parsed.subject == "مشكلة في الطلب"


def test_koi8r_russian_body_and_headers_are_decoded():
    parsed = fixture("russian_koi8r.eml")
    assert "Не могу войти в личный кабинет" in parsed.text
    assert parsed.subject == "Проблема со входом"
    assert parsed.from_name == "Иван Петров"


def test_us_ascii_label_on_utf8_body_is_corrected_and_noted():
    parsed = fixture("mislabelled_ascii_is_utf8.eml")
    assert parsed.text == "سلام، فاکتور شماره ۱۲ را دریافت نکردم."
    assert any("decoded as utf-8" in d for d in parsed.defects)


def test_latin1_label_on_windows_1256_body_is_corrected_and_noted():
    parsed = fixture("mislabelled_latin1_is_windows1256.eml")
    assert "سفارش من هنوز ارسال نشده است" in parsed.text
    assert any("cp1256" in d for d in parsed.defects)


@pytest.mark.parametrize("sample", ["Café crème à la française, très bien.", "Grüße aus Köln, Jürgen"])
def test_genuine_latin1_text_is_not_mistaken_for_another_script(sample):
    assert decode_text(sample.encode("latin-1"), "iso-8859-1") == (sample, [])


def test_unknown_charset_falls_back_to_utf8_and_is_noted():
    text, defects = decode_text("خوش آمدید".encode(), "x-no-such-charset")
    assert text == "خوش آمدید"
    assert any("unknown charset" in d for d in defects)


def test_broken_utf8_keeps_the_rest_and_reports_replacement():
    text, defects = decode_text("سلام دنیا، حال شما چطور است؟".encode() + b"\xff", "utf-8")
    assert text.startswith("سلام دنیا") and text.endswith("\ufffd")
    assert "invalid utf-8 bytes replaced" in defects


def test_utf8_label_on_windows_1256_body_is_detected():
    text, defects = decode_text("سلام، سفارش من هنوز ارسال نشده است.".encode("cp1256"), "utf-8")
    assert text == "سلام، سفارش من هنوز ارسال نشده است."
    assert any("cp1256" in d for d in defects)


def test_unlabelled_koi8r_is_detected():
    assert decode_text("Здравствуйте, не могу войти".encode("koi8_r"), None)[0] == "Здравствуйте, не могу войти"


def test_byte_order_mark_wins_over_missing_label():
    assert decode_text("<p>سلام</p>".encode("utf-16"), None) == ("<p>سلام</p>", [])


def test_raw_8bit_windows_1256_header_is_decoded():
    raw = "Subject: درخواست\nFrom: علي <ali@example.ir>\n\nbody\n".encode("cp1256")
    parsed = parse_email(raw)
    assert parsed.subject == "درخواست"
    assert parsed.from_name == "علي"


# --------------------------------------------------------------------------
# HTML, attachments, structure
# --------------------------------------------------------------------------

def test_html_only_mail_becomes_readable_text():
    text = fixture("html_only.eml").text
    assert "Hello support team,\n\nThe upload page fails.\nIt says error 500." in text
    assert "* Chrome" in text and "* Firefox" in text
    assert "my screenshot (https://example.ir/screenshot.png)" in text
    assert "با تشکر" in text
    assert "alert" not in text and "color: red" not in text


def test_html_is_sanitised_of_scripts_styles_and_event_handlers():
    html = fixture("html_only.eml").html
    for banned in ("<script", "alert(", "<style", "color: red", "onload", "onclick", "steal", "evil"):
        assert banned not in html
    assert 'href="https://example.ir/screenshot.png"' in html
    assert 'dir="rtl"' in html


def test_inline_cid_image_is_kept_and_referenced():
    parsed = fixture("inline_cid_image.eml")
    (image,) = parsed.attachments
    assert (image.filename, image.content_type, image.inline) == ("error.png", "image/png", True)
    assert image.content_id == "error-shot@example.ir"
    assert image.content.startswith(b"\x89PNG")
    assert 'src="cid:error-shot@example.ir"' in parsed.html
    assert parsed.text.startswith("The error is in the picture below.")


def test_multipart_signed_uses_signed_content_and_keeps_signature_file():
    parsed = fixture("signed.eml")
    assert parsed.text == "Please reset my password."
    assert [a.filename for a in parsed.attachments] == ["signature.asc"]


def test_forwarded_message_is_kept_as_eml_attachment():
    parsed = fixture("forwarded_rfc822.eml")
    assert parsed.text == "See the attached message from billing."
    (eml,) = parsed.attachments
    assert eml.filename == "Invoice 77.eml" and eml.content_type == "message/rfc822"
    inner = parse_email(eml.content)
    assert inner.message_id == "invoice-77@example.com"
    assert inner.text.strip() == "Your invoice 77 is attached."


def _tnef(files: list[tuple[str, bytes]]) -> bytes:
    """A minimal TNEF stream: version attribute, then per file rend data/title/data."""
    def attr(level: int, attr_id: int, attr_type: int, data: bytes) -> bytes:
        head = struct.pack("<BHHI", level, attr_id, attr_type, len(data))
        return head + data + struct.pack("<H", sum(data) & 0xFFFF)

    out = struct.pack("<IH", 0x223E9F78, 1) + attr(1, 0x9006, 0x0009, struct.pack("<I", 0x00010000))
    for name, data in files:
        out += attr(2, 0x9002, 0x0006, bytes(14)) + attr(2, 0x8010, 0x0001, name.encode() + b"\0")
        out += attr(2, 0x800F, 0x0006, data)
    return out


def _with_winmail(payload: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "Outlook User <user@corp.example>", "report"
    msg.set_content("The report is attached.")
    msg.add_attachment(payload, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    return msg.as_bytes()


def test_winmail_dat_is_unpacked_into_its_attachments():
    parsed = parse_email(_with_winmail(_tnef([("report.pdf", b"%PDF-1.4 x"), ("notes.txt", b"hi")])))
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("report.pdf", "application/pdf", b"%PDF-1.4 x"),
        ("notes.txt", "text/plain", b"hi"),
    ]
    assert parsed.text.strip() == "The report is attached."


def test_broken_winmail_dat_is_kept_whole_with_a_defect():
    parsed = parse_email(_with_winmail(b"not really tnef"))
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert any("winmail.dat" in d for d in parsed.defects)


def test_format_flowed_lines_are_joined():
    raw = (b"From: a@b.c\nContent-Type: text/plain; charset=utf-8; format=flowed\n\n"
           b"On Mon, 1 May 2023 at 10:00, Someone <s@x.com> \nwrote:\n> quoted \n> more\n")
    assert parse_email(raw).text.splitlines()[:2] == [
        "On Mon, 1 May 2023 at 10:00, Someone <s@x.com> wrote:", "> quoted more"]


def test_dsn_report_parts_are_attachments():
    parsed = fixture("dsn_bounce.eml")
    assert "could not\nbe delivered" in parsed.text
    assert [a.content_type for a in parsed.attachments] == ["message/delivery-status", "message/rfc822"]
    assert parsed.content_type == "multipart/report"


# --------------------------------------------------------------------------
# Headers, ids, dates
# --------------------------------------------------------------------------

def test_message_ids_are_stripped_of_brackets_and_threading_headers_listed():
    parsed = fixture("persian_client_quote.eml")
    assert parsed.message_id == parsed.stable_id == "fa-quote-001@example.ir"
    assert parsed.in_reply_to == ["ticket-1234-reply-2@poshtiban.example"]
    assert parsed.references == ["ticket-1234@poshtiban.example", "ticket-1234-reply-1@poshtiban.example",
                                 "ticket-1234-reply-2@poshtiban.example"]
    assert parsed.subject == "پاسخ: [#۱۲۳۴] مشکل ورود به حساب"


def test_missing_message_id_gets_a_stable_sha256_id():
    raw = b"From: a@example.com\nSubject: hi\n\nbody\n"
    first, second = parse_email(raw), parse_email(raw)
    assert first.message_id == ""
    assert first.stable_id == second.stable_id
    assert first.stable_id.startswith("sha256-") and first.stable_id.endswith("@poshtiban.invalid")
    assert parse_email(raw + b"x").stable_id != first.stable_id


def test_addresses_are_lowercased_with_decoded_names():
    parsed = fixture("persian_client_quote.eml")
    assert (parsed.from_name, parsed.from_address) == ("علی رضایی", "ali.rezaei@example.ir")
    assert parsed.to == [("", "support@poshtiban.example")]
    assert fixture("persian_windows1256.eml").from_address == "ali.rezaei@example.ir"


def test_reply_to_is_the_address():
    raw = b"From: a@example.com\nReply-To: Team <Team@Example.com>\n\nx\n"
    assert parse_email(raw).reply_to == "team@example.com"


@pytest.mark.parametrize("value, expected_offset", [
    ("Thu, 11 May 2023 10:45:00 +0330", timedelta(hours=3, minutes=30)),
    ("Thu, 11 May 2023 10:45:00 -0000", timedelta(0)),  # zone unknown: treated as UTC
])
def test_date_is_timezone_aware(value, expected_offset):
    parsed = parse_email(f"From: a@b.c\nDate: {value}\n\nx\n".encode())
    assert parsed.date is not None and parsed.date.utcoffset() == expected_offset


def test_unparseable_date_is_none():
    assert parse_email(b"From: a@b.c\nDate: yesterday-ish\n\nx\n").date is None


def test_headers_are_exposed_lowercased_for_loop_checks():
    headers = fixture("out_of_office.eml").headers
    assert headers["x-auto-response-suppress"] == ["All"]
    assert headers["subject"] == ["Automatic reply: [#1234] We received your request"]


# --------------------------------------------------------------------------
# Size limit and hostile input
# --------------------------------------------------------------------------

def test_oversize_message_reads_headers_only():
    raw = (FIXTURES / "inline_cid_image.eml").read_bytes()
    parsed = parse_email(raw, max_bytes=200)
    assert parsed.is_oversize
    assert parsed.subject == "Screenshot of the error" and parsed.from_address == "nima@example.ir"
    assert parsed.text == "" and parsed.attachments == []
    assert parse_email(raw, max_bytes=len(raw)).is_oversize is False


def test_truncated_mime_is_parsed_as_far_as_it_goes():
    raw = (FIXTURES / "inline_cid_image.eml").read_bytes()
    parsed = parse_email(raw[: raw.index(b"iVBOR") + 20])
    assert parsed.text.startswith("The error is in the picture below.")


def test_broken_headers_do_not_stop_parsing():
    raw = (b"From: \"unterminated <broken\nTo: ,,,@@@\nSubject: =?utf-8?q?half=E2=80?= done\n"
           b"Date: 99 Foo 20xx\nContent-Type: text/plain; charset=\"\n\nStill readable.\n")
    parsed = parse_email(raw)
    assert parsed.text.strip() == "Still readable."
    assert parsed.subject.startswith("half")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw):
    assert isinstance(parse_email(raw), ParsedEmail)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    b"Content-Type: multipart/mixed; boundary=b\n", b"--b\n", b"--b--\n", b"Content-Type: text/html\n",
    b"Content-Transfer-Encoding: base64\n", b"\n", b"=?utf-8?b?2LPZhNin2YU=?=\n", b"<p>x</p>\n",
    b"Content-Type: message/rfc822\n", b"Content-Type: application/ms-tnef\n", b"\xd3\xe1\xc7\xe3\n",
    b"Subject: =?x-unknown?q?a?=\n", b"Content-Disposition: attachment; filename*=utf-8''%FF%FE\n",
]), max_size=30))
def test_random_mime_fragments_never_raise(chunks):
    parsed = parse_email(b"".join(chunks))
    assert isinstance(parsed.defects, list)
