"""Load the whole demo dataset: people, then `n_tickets` ticket stories in time order.

Deterministic for a given seed (only the real "now" the history ends at differs between runs).
"""
import random
from collections import Counter
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from customers.models import Organization, User
from tickets import states
from tickets.demo import scenarios_en, scenarios_fa, scenarios_fa2
from tickets.demo.clock import Timeline, business
from tickets.demo.people import create_people
from tickets.demo.plan import Plan
from tickets.demo.story import Story
from tickets.models import Channel, Message, Priority, Referral, Ticket, TicketLink, TicketType

SCENARIOS = {"fa": scenarios_fa.SCENARIOS + scenarios_fa2.SCENARIOS, "en": scenarios_en.SCENARIOS}

STATE_WEIGHTS = {states.NEW: 8, states.OPEN: 14, states.PENDING_CUSTOMER: 9, states.ON_HOLD: 8,
                 states.RESOLVED: 18, states.CLOSED: 43}
CHANNEL_WEIGHTS = {Channel.PORTAL: 34, Channel.EMAIL: 30, Channel.PHONE: 16, Channel.CHAT: 10, Channel.API: 4,
                   Channel.VISIT: 6}
PRIORITY_WEIGHTS = {Priority.LOW: 20, Priority.NORMAL: 50, Priority.HIGH: 22, Priority.URGENT: 8}
# How long ago (in days) a ticket that ends in this state was opened: old ones are closed by now.
AGE_DAYS = {states.NEW: (0.03, 1.2), states.OPEN: (0.5, 12), states.PENDING_CUSTOMER: (1, 15),
            states.ON_HOLD: (1, 9), states.RESOLVED: (2, 22), states.CLOSED: (6, 90),
            "merge": (1, 40), "followup": (1, 20)}


class World:
    """What every story shares: the random source, the clock, the people and what happened so far."""

    def __init__(self, seed, real_now, n_tickets):
        self.seed = seed
        self.rng = random.Random(seed)              # the plans
        self.trng = random.Random(f"{seed}:time")   # when they start, and other clock-dependent picks
        self.timeline = Timeline(real_now)
        self.real_now = real_now
        self.done = []
        self.count = Counter()
        self.max_links = max(2, n_tickets // 40)


def _pick(rng, weights):
    return rng.choices(list(weights), list(weights.values()))[0]


def _compatible(org, scenario):
    return not scenario.products or bool(org.product_codes & set(scenario.products))


# The first plans cover every state and type at least once. Each type is paired with a state its
# story reaches: "user_error" is usually known only after the customer answered (resolved/closed).
COVER = [(states.NEW, TicketType.QUESTION), (states.OPEN, TicketType.DEFECT),
         (states.PENDING_CUSTOMER, TicketType.FEATURE_REQUEST), (states.ON_HOLD, TicketType.CUSTOMIZATION),
         (states.RESOLVED, TicketType.USER_ERROR), (states.CLOSED, TicketType.OTHER)]
COVER += [(states.CLOSED, t) for t in TicketType.values if t not in {t for _s, t in COVER}]


def _plans(w, orgs, n):
    rng = w.rng
    all_channels, all_priorities = list(CHANNEL_WEIGHTS), list(PRIORITY_WEIGHTS)
    plans = []
    for i in range(n):
        # The first few plans cover every state, type, channel and priority at least once.
        state, want_type = COVER[i] if i < len(COVER) else (_pick(rng, STATE_WEIGHTS), None)
        channel = all_channels[i] if i < len(all_channels) else _pick(rng, CHANNEL_WEIGHTS)
        org = rng.choices(orgs, [o.weight for o in orgs])[0]
        choices = [s for s in SCENARIOS[org.language] if _compatible(org, s) and want_type in (None, s.result_type)]
        scenario = rng.choice(choices)
        if i < len(all_priorities):
            priority = all_priorities[i]
        else:
            priority = scenario.priority if rng.random() < 0.6 else _pick(rng, PRIORITY_WEIGHTS)
        kind = "normal"
        if i >= 8 and n >= 20:
            roll = rng.random()
            kind = "merge" if roll < 0.025 else "followup" if roll < 0.05 else "normal"
        if kind == "followup":
            state = rng.choice([states.NEW, states.OPEN])
        elif kind == "merge":
            state = states.CLOSED  # what a merged duplicate ends as (also if no target turns up)
        lo, hi = AGE_DAYS[kind if kind != "normal" else state]
        raw = w.real_now - timedelta(days=rng.uniform(lo, hi))
        start = business(raw, w.trng) if channel in (Channel.PHONE, Channel.CHAT, Channel.VISIT) or rng.random() < 0.8 else raw
        if start >= w.timeline.limit:
            start = raw
        plans.append(Plan(i, org, scenario, state, channel, priority, kind, start))
    plans.sort(key=lambda p: p.start)
    return plans


def _find_target(w, plan):
    """An earlier ticket of the same organisation that a merge or follow-up can refer to."""
    key = plan.org.spec["key"]
    if plan.kind == "merge":
        # still being worked on when the customer writes again
        ok = [d for d in w.done if d.org_key == key and d.kind in ("normal", "followup")
              and (d.state in states.OPEN_STATES or (d.state == states.RESOLVED and d.last_at > plan.start))]
    else:
        ok = [d for d in w.done if d.org_key == key and d.kind == "normal" and d.state == states.CLOSED
              and d.last_at < plan.start]
    if not ok:
        return None
    target = w.trng.choice(ok[-10:])
    scenario = next(s for s in SCENARIOS[plan.org.language] if s.key == target.scenario_key)
    return target, scenario


def load(*, n_tickets=300, seed=1403, real_now=None, log=None):
    """Create the dataset; the caller owns the transaction. Returns counts for the summary."""
    real_now = real_now or timezone.now()
    w = World(seed, real_now, n_tickets)
    w.staff, w.teams, _products, orgs = create_people(timezone.localdate(real_now))
    w.members = {key: list(team.members.order_by("pk")) for key, team in w.teams.items()}
    for number, plan in enumerate(_plans(w, orgs, n_tickets), 1):
        if plan.kind != "normal":
            found = _find_target(w, plan)
            if found:
                plan.target, plan.scenario = found
            else:
                plan.kind = "normal"
        Story(w, plan).run()
        if log and number % 50 == 0:
            log(number)
    w.timeline.finish(real_now - timedelta(days=400))
    return summary(w)


def summary(w):
    by_state = dict(Ticket.objects.values_list("status").annotate(n=Count("id")))
    return {
        "organisations": Organization.objects.count(), "logins": User.objects.count(),
        "tickets": Ticket.objects.count(), "messages": Message.objects.count(), "referrals": Referral.objects.count(),
        "links": TicketLink.objects.count(), "merges": w.count["merges"], "follow_ups": w.count["follow_ups"],
        "by_state": by_state,
    }
