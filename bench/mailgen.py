"""Realistic inbound mail for the intake benchmark and the worker-kill test: pure stdlib, no Django.

`generate(n, contacts=..., existing=...)` returns n `GenMail`s in arrival order: about 70 % new
requests from known contacts and 30 % replies. A reply threads the way real clients do:
In-Reply-To/References naming a mail earlier in the batch (sometimes a reply to a reply), our
own outgoing Message-ID (<ticket-N@domain>) or the [#N] subject token of a ticket that existed
before the batch. Subjects and bodies are Persian and English; some mails are HTML with a text
alternative, some quote the message they answer, some carry a small attachment.

Each GenMail says what should become of it (`kind`, `parent`, `ticket_number`), so a caller
can check every mail landed where it belongs.
"""
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

__all__ = ["GenMail", "generate"]

SUPPORT = "support@poshtiban.localhost"

_SUBJECTS_FA = [
    "چاپ فاکتور خطا می‌دهد", "گزارش ماهانه باز نمی‌شود", "مشکل در ورود به سامانه", "درخواست افزودن کاربر جدید",
    "خطای ۵۰۰ هنگام ذخیره سند", "کندی شدید نرم‌افزار از صبح امروز", "سؤال درباره تمدید قرارداد پشتیبانی",
    "پشتیبان‌گیری شبانه انجام نشد", "محاسبه مالیات بر ارزش افزوده اشتباه است", "نصب نسخه جدید روی سرور",
    "رمز عبور کاربر انبار را فراموش کرده‌ایم", "خروجی اکسل ستون‌ها را به‌هم می‌ریزد",
]
_SUBJECTS_EN = [
    "Invoice print fails with error 500", "Monthly report does not open", "Cannot log in since the update",
    "Please add a new user for our branch", "Backup job failed last night", "VAT calculation looks wrong",
    "Slow response on the sales screen", "Question about renewing our support contract",
    "Excel export mixes up the columns", "License key rejected on the new server",
]
_BODIES_FA = [
    "سلام،\nاز امروز صبح هنگام چاپ فاکتور پیغام خطا نمایش داده می‌شود و کار فروشگاه متوقف شده است.\n"
    "لطفاً در اسرع وقت بررسی کنید.",
    "با سلام و احترام\nگزارش ماهانه فروش برای شعبه مرکزی باز نمی‌شود. نسخه نرم‌افزار ۴٫۲ است.\n"
    "تصویر خطا پیوست شده است.",
    "درود\nکاربران واحد حسابداری نمی‌توانند وارد سامانه شوند. رمزها را هم بازنشانی کردیم ولی فایده نداشت.",
    "سلام\nلطفاً یک کاربر جدید با دسترسی انبار برای خانم احمدی تعریف کنید.\nسپاس",
]
_BODIES_EN = [
    "Hello,\nsince this morning printing an invoice shows error 500 and the shop is stuck.\n"
    "Could you please look at it today?",
    "Hi team,\nthe monthly sales report for the head office no longer opens. We are on version 4.2.\n"
    "Screenshot attached.",
    "Good morning,\nnobody in accounting can log in. We reset the passwords but it did not help.",
    "Hello,\nplease create a new user with warehouse access for Ms. Ahmadi.\nThanks",
]
_REPLIES_FA = ["ممنون، مشکل هنوز پابرجاست.", "سلام، فایل خواسته‌شده را پیوست کردم.",
               "با تشکر، بعد از راه‌اندازی مجدد درست شد.", "لطفاً پیگیری کنید، هنوز پاسخی نگرفته‌ایم."]
_REPLIES_EN = ["Thanks, the problem is still there.", "Hi, here is the file you asked for.",
               "Thank you, it works after the restart.", "Any news? We are still waiting for an answer."]
_SIGNATURES = ["--\nReza Tehrani\nIT, Pars Software\n+98 21 8888 0000", "--\nبا احترام\nواحد فناوری اطلاعات",
               "Sent from my phone", ""]
_CLIENT_DOMAINS = ["mail.gmail.com", "outlook.com", "mail.yahoo.com", "thunderbird.local", "pars.mail"]
# 1x1 PNG: a screenshot stand-in that the attachment checks accept.
_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                     "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@dataclass
class GenMail:
    raw: bytes
    message_id: str  # without <>
    sender: str
    kind: str  # "new" or "reply"
    via: str = ""  # for a reply: "in_reply_to" (a batch mail), "our_message_id" or "subject_token"
    parent: str = ""  # in_reply_to: the Message-ID of the batch mail answered
    ticket_number: int | None = None  # our_message_id / subject_token: the pre-existing ticket


def _message_id(rng, run, i):
    style = rng.randrange(3)
    domain = rng.choice(_CLIENT_DOMAINS)
    if style == 0:  # Gmail-like
        return f"CA{run}{i:07d}{rng.getrandbits(64):016x}@{domain}"
    if style == 1:  # Outlook-like
        return f"{run.upper()}.{i}.{rng.getrandbits(32):08X}@{domain}"
    return f"{rng.getrandbits(48):012x}-{run}-{i}@{domain}"


def _build(*, rng, sender, subject, body, message_id, when, in_reply_to=None, references=(), quote=None,
           html=False, attach=False, cc=()):
    name, address = sender
    msg = EmailMessage()
    msg["From"] = formataddr((name, address))
    msg["To"] = formataddr(("پشتیبانی", SUPPORT)) if rng.random() < 0.5 else SUPPORT
    if cc:
        msg["Cc"] = ", ".join(formataddr(c) for c in cc)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        msg["References"] = " ".join(f"<{r}>" for r in (*references, in_reply_to))
    msg["MIME-Version"] = "1.0"
    if rng.random() < 0.3:
        msg["User-Agent"] = rng.choice(["Mozilla Thunderbird 115.8", "Microsoft Outlook 16.0", "Roundcube 1.6"])
    text = body + "\n\n" + rng.choice(_SIGNATURES)
    if quote:
        text += f"\n\nOn {format_datetime(when - timedelta(hours=2))}, {SUPPORT} wrote:\n" + \
                "\n".join("> " + line for line in quote.splitlines())
    msg.set_content(text.strip() + "\n")
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines() if line)
        msg.add_alternative(f'<html><body dir="auto">{paragraphs}</body></html>', subtype="html")
    if attach:
        if rng.random() < 0.5:
            msg.add_attachment(_PNG, maintype="image", subtype="png", filename="screenshot.png")
        else:
            log = "\n".join(f"2024-05-0{d} 09:1{d}:00 ERROR invoice print failed code=500" for d in range(1, 8))
            msg.add_attachment(log.encode(), maintype="text", subtype="plain", filename="error.log")
    return msg.as_bytes()


def generate(n, *, contacts, existing=(), seed=1, reply_share=0.3, start=None, run=None):
    """n mails in arrival order.

    contacts: [(name, address, org_key)] of known contacts; a reply comes from the requester of
    the thread, or now and then from a colleague in the same organisation (In-Reply-To only, as
    a colleague's [#N] would not be trusted). existing: [(ticket_number, requester address,
    subject)] of tickets made before the batch. run: a token in every Message-ID, so a second
    run against the same database does not collide with the first (default: random).
    """
    rng = random.Random(seed)
    run = run or uuid.uuid4().hex[:8]
    start = start or datetime.now(timezone.utc) - timedelta(hours=1)
    by_address = {c[1]: c for c in contacts}
    colleagues = {}
    for c in contacts:
        colleagues.setdefault(c[2], []).append(c)
    threads = []  # (root subject, requester address, [message ids oldest first], language)
    mails = []
    for i in range(n):
        when = start + timedelta(seconds=i)
        html, attach = rng.random() < 0.15, rng.random() < 0.04
        mid = _message_id(rng, run, i)
        reply = (threads or existing) and rng.random() < reply_share and i > 0
        if reply and existing and (not threads or rng.random() < 0.25):
            number, requester, subject = rng.choice(list(existing))
            sender = by_address.get(requester, ("", requester, ""))
            fa = any("\u0600" <= ch <= "\u06ff" for ch in subject)
            body = rng.choice(_REPLIES_FA if fa else _REPLIES_EN)
            if rng.random() < 0.5:
                via, subj = "subject_token", f"{'پاسخ' if fa else 'Re'}: [#{number}] {subject}"
                raw = _build(rng=rng, sender=sender[:2], subject=subj, body=body, message_id=mid, when=when,
                             html=html, attach=attach)
            else:  # the customer answers our acknowledgement, which carried <ticket-N@domain>
                via, subj = "our_message_id", f"Re: [#{number}] {subject}"
                raw = _build(rng=rng, sender=sender[:2], subject=subj, body=body, message_id=mid, when=when,
                             in_reply_to=f"ticket-{number}@poshtiban.localhost", quote=subject, html=html,
                             attach=attach)
            mails.append(GenMail(raw, mid, sender[1], "reply", via=via, ticket_number=number))
        elif reply:
            subject, requester, ids, fa = rng.choice(threads[-200:])  # recent conversations are answered
            sender = by_address[requester]
            if rng.random() < 0.15 and len(colleagues[sender[2]]) > 1:
                sender = rng.choice([c for c in colleagues[sender[2]] if c[1] != requester])
            parent = ids[-1]
            body = rng.choice(_REPLIES_FA if fa else _REPLIES_EN)
            raw = _build(rng=rng, sender=sender[:2], subject=f"{'پاسخ' if fa else 'RE'}: {subject}", body=body,
                         message_id=mid, when=when, in_reply_to=parent, references=ids[:-1][-5:],
                         quote=rng.choice(_BODIES_FA if fa else _BODIES_EN), html=html, attach=attach)
            ids.append(mid)
            mails.append(GenMail(raw, mid, sender[1], "reply", via="in_reply_to", parent=parent))
        else:
            sender = rng.choice(contacts)
            fa = rng.random() < 0.6
            subject = rng.choice(_SUBJECTS_FA if fa else _SUBJECTS_EN)
            if rng.random() < 0.5:
                subject += f" ({'شعبه' if fa else 'branch'} {rng.randrange(1, 40)})"
            body = rng.choice(_BODIES_FA if fa else _BODIES_EN)
            cc = ()
            if rng.random() < 0.1 and len(colleagues[sender[2]]) > 1:
                cc = [rng.choice([c for c in colleagues[sender[2]] if c[1] != sender[1]])[:2]]
            raw = _build(rng=rng, sender=sender[:2], subject=subject, body=body, message_id=mid, when=when,
                         html=html, attach=attach, cc=cc)
            threads.append((subject, sender[1], [mid], fa))
            mails.append(GenMail(raw, mid, sender[1], "new"))
    return mails
