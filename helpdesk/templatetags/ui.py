"""Small presentation helpers shared by every audience's templates (a template builtin)."""
from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from helpdesk.templatetags.jalali import num

register = template.Library()


@register.filter
def due_class(value):
    if not value:
        return ""
    now = timezone.now()
    if value < now:
        return "due-breached"
    if value - now < timedelta(hours=2):
        return "due-soon"
    return ""


@register.filter
def countdown(value):
    """'in 3 hours' / '2 hours overdue', in the reader's language and digits."""
    if not value:
        return ""
    now = timezone.now()
    if value >= now:
        return num(_("in %(time)s") % {"time": timeuntil(value, now, depth=1)})
    return num(_("%(time)s overdue") % {"time": timesince(value, now, depth=1)})


@register.filter
def ago(value):
    if not value:
        return ""
    return num(_("%(time)s ago") % {"time": timesince(value, depth=1)})


@register.filter
def state_label(value):
    """A status code from an event's data, shown as the reader's word for it."""
    from tickets.models import Status

    return dict(Status.choices).get(value, value)


@register.filter
def unit_label(value):
    from tickets.models import Unit

    return dict(Unit.choices).get(value, value)


@register.filter
def channel_label(value):
    from tickets.models import Channel

    return dict(Channel.choices).get(value, value)


@register.filter
def timedelta_short(value):
    """A duration as 'H:MM' (hours may exceed 24), in the reader's digits."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    return num(f"{minutes // 60}:{minutes % 60:02d}")


@register.filter
def sla_target_label(value):
    from tickets.sla_view import LABELS

    return LABELS.get(value, value)


# Choice labels resolved once per language: a queue page shows hundreds of them, and each
# get_FOO_display() call goes through gettext again.
_LABELS: dict = {}


@register.filter
def label(value, kind):
    from django.utils.translation import get_language

    from tickets import models as m

    key = (get_language(), kind)
    table = _LABELS.get(key)
    if table is None:
        choices = {"status": m.Status, "type": m.TicketType, "priority": m.Priority, "channel": m.Channel, "unit": m.Unit}[kind]
        table = _LABELS[key] = {code: str(text) for code, text in choices.choices}
    return table.get(value, value)


_SPANS: dict = {}


def _span_text(seconds):
    """'45 min', '3 h', '2 d' in the reader's language; formats translated once per language."""
    from django.utils.translation import get_language

    lang = get_language()
    fmt = _SPANS.get(lang)
    if fmt is None:
        fmt = _SPANS[lang] = (_("%(n)s min"), _("%(n)s h"), _("%(n)s d"), _("in %(time)s"), _("%(time)s overdue"), _("%(time)s ago"))
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        text = fmt[0] % {"n": minutes}
    elif minutes < 48 * 60:
        text = fmt[1] % {"n": minutes // 60}
    else:
        text = fmt[2] % {"n": minutes // 1440}
    return text, fmt


@register.filter
def countdown_short(value):
    if not value:
        return ""
    delta = (value - timezone.now()).total_seconds()
    text, fmt = _span_text(abs(delta))
    return num((fmt[3] if delta >= 0 else fmt[4]) % {"time": text})


@register.filter
def ago_short(value):
    if not value:
        return ""
    text, fmt = _span_text((timezone.now() - value).total_seconds())
    return num(fmt[5] % {"time": text})


@register.simple_tag
def options(pairs, selected=None):
    """The <option>s of a filter <select> from (value, label) pairs, the selected one marked. In
    Python: a queue page's organisation list is hundreds long, and a template loop per option
    cost more than the page's 50 ticket rows."""
    selected = "" if selected is None else str(selected)
    return format_html_join("", "<option value=\"{}\"{}>{}</option>", (
        (value, mark_safe(" selected") if str(value) == selected else "", label) for value, label in pairs))
