"""What a demo conversation is made of, and the short phrases every conversation shares.

Demo content is data, not UI: it is written in the customer organisation's language and is not
translated. Texts may use {product}, {name} (the requester), {n} (a document number) and {v} (a
version); `fill()` substitutes them.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    key: str
    type: str                    # how the ticket is first filed
    subject: str
    body: str                    # the customer's first message
    reply: str                   # the agent's first answer, usually a question back
    answer: str                  # the customer's answer to it
    solution: str                # the reply that resolves the ticket
    products: tuple = ()         # product codes it can be about; () means any
    team: str = "support"        # support | dev | sales
    final_type: str = ""         # the agent re-classifies it (e.g. defect -> user_error)
    note: str = ""               # an internal note
    refer: tuple = ()            # (unit, question to the unit, the unit's answer, who answered)
    thanks: str = ""             # the customer's last word
    tags: tuple = ()
    priority: str = "normal"     # the usual priority of such a request

    @property
    def result_type(self):
        return self.final_type or self.type


class _Blank(dict):
    def __missing__(self, key):
        return ""


def fill(text, **values):
    return text.format_map(_Blank(values)) if text else text


# Short phrases shared by all conversations, per language.
PHRASES = {
    "fa": {
        "greet": "{name} گرامی، سلام و وقت بخیر.\n",
        "ack": [
            "درخواست شما دریافت شد و در حال بررسی است. نتیجه را همین‌جا اطلاع می‌دهیم.",
            "ممنون از گزارش شما. موضوع را بررسی می‌کنیم و به‌زودی خبر می‌دهیم.",
            "پیام شما رسید. همکاران ما در حال بررسی هستند.",
        ],
        "refer_ack": "موضوع را برای بررسی دقیق‌تر به واحد مربوط ارجاع دادیم و به محض دریافت پاسخ، نتیجه را اطلاع می‌دهیم.",
        "eta": "پیش‌بینی ما این است که تا {date} موضوع برطرف شود.",
        "thanks": [
            "خیلی ممنون، مشکل برطرف شد.",
            "سپاس از پیگیری‌تان، درست شد.",
            "ممنون، الان همه چیز درست کار می‌کند.",
        ],
        "reopen": [
            "متأسفانه امروز دوباره همان مشکل تکرار شد.",
            "سلام، راه‌حل را اجرا کردیم ولی مشکل کامل حل نشده است.",
        ],
        "reopen_reply": "بررسی دوباره انجام شد؛ تنظیم قبلی روی یکی از سیستم‌ها اعمال نشده بود. لطفاً دوباره امتحان کنید.",
        "withdraw": "سلام، همکارمان مشکل را پیدا کرد و حل شد. درخواست را لغو می‌کنم، ممنون.",
        "duplicate": "سلام، این مورد را قبلاً هم ثبت کرده بودم ولی هنوز حل نشده. لطفاً پیگیری کنید.",
        "followup": "سلام، مشکلی که قبلاً حل شده بود دوباره پیش آمده است. لطفاً بررسی کنید.",
        "more": "یک نکته را هم اضافه کنم: این مشکل فقط روی یکی از سیستم‌ها پیش می‌آید.",
        "handover": "این تیکت را به {agent} می‌سپارم؛ تجربهٔ بیشتری در این موضوع دارد.",
        "call_note": "با مشتری تماس تلفنی گرفته شد و توضیحات لازم داده شد.",
        "escalate_note": "مشتری طلایی است؛ لطفاً پیگیری در اولویت باشد.",
        "link_note": "مشابه همین مشکل در تیکت دیگری هم گزارش شده؛ به هم مرتبط شدند.",
        "refer_generic": {
            "development": "لطفاً بررسی کنید آیا این رفتار در نسخهٔ فعلی باگ شناخته‌شده است و زمان اصلاح آن چیست.",
            "sales": "مشتری برای این مورد پیش‌فاکتور می‌خواهد؛ لطفاً هزینه و شرایط را اعلام کنید.",
            "customer_affairs": "مشتری از روند رسیدگی ناراضی است؛ لطفاً با ایشان تماس بگیرید.",
        },
    },
    "en": {
        "greet": "Hi {name},\n",
        "ack": [
            "Thanks for reaching out. We are looking into this and will update you here.",
            "We have received your request and are investigating it now.",
            "Thank you for the report. One of our engineers is checking it.",
        ],
        "refer_ack": "We have passed this to the responsible team for a closer look and will let you know as soon as we hear back.",
        "eta": "We expect to have this sorted by {date}.",
        "thanks": [
            "Thanks a lot, that fixed it.",
            "Works now, thank you for the quick help!",
            "Confirmed, all good on our side. Thanks.",
        ],
        "reopen": [
            "Unfortunately the problem came back this morning.",
            "We applied the fix but it only solved part of the problem.",
        ],
        "reopen_reply": "We looked again: the change had not reached one of your terminals. Please try once more.",
        "withdraw": "Never mind, our IT found the cause and fixed it. Please cancel this request, thanks.",
        "duplicate": "Hello, I reported this before but it is still not fixed. Could you follow up please?",
        "followup": "Hello, the issue you fixed for us earlier is back. Could you have a look?",
        "more": "One more detail: it only happens on one of our machines.",
        "handover": "Handing this over to {agent}, who knows this area best.",
        "call_note": "Called the customer and walked them through it.",
        "escalate_note": "Key account: please give this priority.",
        "link_note": "Same problem reported on another ticket; linked them.",
        "refer_generic": {
            "development": "Please check whether this is a known bug in the current release and when a fix is planned.",
            "sales": "The customer asks for a quote for this; please send price and terms.",
            "customer_affairs": "The customer is unhappy with how this was handled; please get in touch with them.",
        },
    },
}
