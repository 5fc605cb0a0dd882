"""Dates as a Persian user expects them (Jalali, Persian digits, Tehran time) and Gregorian for English.

Registered as a template builtin, so every template can write {{ ticket.created_at|when }}.
"""
import jdatetime
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

register = template.Library()

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_digits(value) -> str:
    return str(value).translate(_PERSIAN_DIGITS)


def _is_fa():
    return (get_language() or "fa").startswith("fa")


@register.filter
def when(value, fmt="datetime"):
    """A date or datetime in the reader's calendar: '۱۴۰۵/۰۹/۰۲ ۱۴:۳۰' or 'Nov. 23, 2026, 2:30 p.m.'."""
    if not value:
        return ""
    if hasattr(value, "hour") and timezone.is_aware(value):
        value = timezone.localtime(value)
    if _is_fa():
        if hasattr(value, "hour"):
            j = jdatetime.datetime.fromgregorian(datetime=value)
            out = j.strftime("%Y/%m/%d") if fmt == "date" else j.strftime("%Y/%m/%d %H:%M")
        else:
            out = jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")
        return persian_digits(out)
    if fmt == "date" or not hasattr(value, "hour"):
        return date_format(value, "DATE_FORMAT")
    return date_format(value, "DATETIME_FORMAT")


@register.filter
def num(value):
    """A number in the reader's digits."""
    if value is None:
        return ""
    return persian_digits(value) if _is_fa() else str(value)
