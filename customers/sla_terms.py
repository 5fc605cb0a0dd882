"""The terms of service: SLA policies (targets per priority, warning point, pausing states,
escalation levels) and business calendars (weekly hours, holidays, half days).

Imported by customers/models.py so Django registers these models with the app.
"""
from datetime import time, timedelta

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets import sla, states

WEEKDAYS = [(5, _("Saturday")), (6, _("Sunday")), (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")),
            (3, _("Thursday")), (4, _("Friday"))]


def parse_hours(spec) -> tuple:
    """[["08:00", "17:00"], ...] -> (sla.Interval, ...); '24:00' as an end means midnight."""
    out = []
    for pair in spec or []:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValidationError(_("Each interval is a pair of times like [\"08:00\", \"17:00\"]."))
        start, end = (time.fromisoformat("00:00" if p == "24:00" else p) for p in pair)
        out.append(sla.Interval(start, end))
    return tuple(out)


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Tehran")
    # {"5": [["08:00", "17:00"]], "3": [["08:00", "13:00"]], ...}; keys are Python weekday() numbers
    # (0 = Monday); several intervals a day, overnight shifts as ["22:00", "06:00"].
    weekly_hours = models.JSONField(_("weekly hours"), default=dict, blank=True)
    is_24x7 = models.BooleanField(_("24x7"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            self.to_calendar()
        except (ValueError, TypeError) as exc:
            raise ValidationError(str(exc)) from exc

    def to_calendar(self, holidays=None) -> sla.Calendar:
        """The pure calendar that tickets/sla.py computes with (holidays prefetched or queried once)."""
        if self.is_24x7:
            return sla.Calendar.always(self.time_zone)
        weekly = {int(day): parse_hours(spec) for day, spec in (self.weekly_hours or {}).items()}
        if holidays is None:
            holidays = list(self.holidays.all())
        off = frozenset(h.date for h in holidays if not h.hours)
        half = {h.date: parse_hours(h.hours) for h in holidays if h.hours}
        return sla.Calendar(self.time_zone, weekly, off, half)


class Holiday(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    # Empty: the whole day is off. Otherwise the hours worked that day (a half day).
    hours = models.JSONField(_("hours worked (half day)"), default=list, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="holiday_calendar_date")]

    def __str__(self):
        return f"{self.date} {self.name}"


class SlaPolicy(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default policy"), default=False,
                                     help_text=_("Applies to organisations without a contract that names a policy."))
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT, related_name="policies", verbose_name=_("business calendar"))
    warn_at_percent = models.PositiveSmallIntegerField(_("warn at (percent of the target)"), null=True, blank=True, default=80)
    warn_minutes_before = models.PositiveIntegerField(_("or warn minutes before"), null=True, blank=True)
    pause_states = ArrayField(models.CharField(max_length=20), default=list, blank=True, verbose_name=_("states that pause the clock"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_sla_policy")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.pause_states and self._state.adding:
            self.pause_states = sorted(states.PAUSED_STATES)
        super().save(*args, **kwargs)


class SlaTarget(models.Model):
    """Targets for one priority, in business minutes."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(_("priority"), max_length=10, choices=[
        ("low", _("Low")), ("normal", _("Normal")), ("high", _("High")), ("urgent", _("Urgent"))])
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"), null=True, blank=True)
    next_response_minutes = models.PositiveIntegerField(_("next response (business minutes)"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_policy_priority")]

    def minutes(self, kind):
        value = getattr(self, f"{kind}_minutes")
        return timedelta(minutes=value) if value else None


class SlaEscalation(models.Model):
    """What happens N business minutes after a breach; several levels per policy."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    minutes_after_breach = models.PositiveIntegerField(_("minutes after the breach"), default=0)
    raise_priority = models.BooleanField(_("raise the priority"), default=False)
    reassign_to_lead = models.BooleanField(_("reassign to the team lead"), default=False)
    notify_manager = models.BooleanField(_("notify the managers"), default=True)

    class Meta:
        verbose_name = _("SLA escalation")
        verbose_name_plural = _("SLA escalations")
        ordering = ["policy", "level"]
        constraints = [models.UniqueConstraint(fields=["policy", "level"], name="sla_escalation_level")]
