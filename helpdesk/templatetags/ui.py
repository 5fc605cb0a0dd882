"""Small presentation helpers shared by every audience's templates (a template builtin)."""
from datetime import timedelta

from django import template
from django.utils import timezone
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
