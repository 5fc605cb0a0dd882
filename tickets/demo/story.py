"""One demo ticket's life, told through the services, at simulated moments (see clock.py).

A Plan says where the ticket must end up (state, channel, priority, scenario); Story walks it
there the way a support team would: intake, triage, questions, referrals, answers, resolution.
"""
import random
from datetime import timedelta

from tickets import states
from tickets.demo.clock import business
from tickets.demo.plan import Done
from tickets.demo.scenario import PHRASES, fill
from tickets.models import Channel, Ticket, TicketLink
from tickets.services import (
    referral_answer, ticket_assign, ticket_classify, ticket_create, ticket_customer_reply, ticket_link, ticket_merge,
    ticket_note, ticket_refer, ticket_reply, ticket_set_eta, ticket_transition,
)

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
VERSIONS = ("5.2.1", "5.3.0", "5.3.2", "6.0.1", "6.1.0")
DEFAULT_UNIT = {"support": "development", "dev": "development", "sales": "sales"}


class Story:
    def __init__(self, world, plan):
        # Each ticket has its own random sources, one for what happens and one for when, so its
        # content does not depend on the order stories run in or on the wall clock.
        self.w, self.plan = world, plan
        self.rng = random.Random(f"{world.seed}:{plan.index}")
        self.trng = random.Random(f"{world.seed}:{plan.index}:time")
        self.s, self.org = plan.scenario, plan.org
        self.ph = PHRASES[self.org.language]
        self.t = plan.start
        self.requester = self.org.pick_requester(self.rng)
        candidates = [p for p in self.org.products if not self.s.products or p.code in self.s.products]
        self.product = None if (not self.s.products and self.rng.random() < 0.4) else self.rng.choice(candidates)
        n = str(self.rng.randint(1200, 98000))
        name = self.requester.name if self.org.language == "fa" else self.requester.name.split()[0]
        self.values = dict(product=self.org.product_label(self.product), name=name, v=self.rng.choice(VERSIONS),
                           n=n.translate(FA_DIGITS) if self.org.language == "fa" else n)
        self.ticket_id = None
        self.mails = 0
        self.greeted = False

    # -- helpers ---------------------------------------------------------------------------
    def text(self, template):
        return fill(template, **self.values)

    def later(self, lo, hi, office=True):
        """Advance the story clock by lo..hi minutes (into office hours for staff actions)."""
        wanted = self.t + timedelta(minutes=self.trng.uniform(lo, hi))
        if office:
            wanted = business(wanted, self.trng)
        self.t = self.w.timeline.clamp(self.t, wanted)
        return self.t

    def step(self, fn, *args, **kwargs):
        return self.w.timeline.step(self.t, fn, *args, **kwargs)

    @property
    def ticket(self):
        return Ticket.objects.select_related("team", "assignee").get(pk=self.ticket_id)

    def message_id(self):
        self.mails += 1
        return f"<demo.{self.plan.index}.{self.mails}.{self.rng.randrange(16 ** 8):08x}@{self.org.spec['domain']}>"

    def customer_channel(self):
        channel = self.plan.channel
        return Channel.EMAIL if channel == Channel.API else channel

    # -- the customer ----------------------------------------------------------------------
    def open_ticket(self, subject=None, body=None, team_key=None):
        channel, s = self.plan.channel, self.s
        team_key = team_key or s.team
        team = self.w.teams[team_key]
        if channel in (Channel.EMAIL, Channel.API) and self.rng.random() < 0.6:
            team = None  # arrives untriaged; the manager routes it
        actor = None
        if channel == Channel.PORTAL:
            actor = self.requester.user
        elif channel in (Channel.PHONE, Channel.CHAT, Channel.VISIT):
            actor = self.rng.choice(self.w.members[team_key])  # the agent who took the call
        ticket = self.step(
            ticket_create, actor=actor, requester=self.requester, subject=self.text(subject or s.subject),
            body=self.text(body or s.body), channel=channel, type=s.type, priority=self.plan.priority,
            product=self.product, team=team, email_message_id=self.message_id() if channel == Channel.EMAIL else None)
        self.ticket_id = ticket.pk
        return ticket

    def customer_says(self, body):
        # customers write whenever they like; calls and visits happen in office hours
        self.later(20, 600, office=self.plan.channel in (Channel.PHONE, Channel.VISIT, Channel.CHAT))
        channel = self.customer_channel()
        return self.step(ticket_customer_reply, self.ticket, contact=self.requester, body=self.text(body), channel=channel,
                         email_message_id=self.message_id() if channel == Channel.EMAIL else None)

    def customer_does(self, action):
        self.later(10, 300, office=False)
        self.step(ticket_transition, self.ticket, actor=self.requester.user, action=action)

    # -- the support team ------------------------------------------------------------------
    def agent(self):
        """The ticket's agent, after triage if nobody has it yet."""
        ticket = self.ticket
        if ticket.assignee_id:
            return ticket.assignee
        team_key = self.s.team
        assignee = self.trng.choice(self.w.members[team_key])  # whether we get here depends on history
        self.later(5, 90)
        if ticket.team_id is None:
            self.step(ticket_assign, ticket, actor=self.w.staff["maryam"], team=self.w.teams[team_key], assignee=assignee)
        else:
            self.step(ticket_assign, ticket, actor=self.w.teams[team_key].lead, assignee=assignee)
        return assignee

    def triage(self):
        agent = self.agent()
        ticket = self.ticket
        if ticket.priority != self.plan.priority or not ticket.tags:
            self.later(1, 20)
            self.step(ticket_classify, ticket, actor=agent, priority=self.plan.priority, tags=list(self.s.tags))
        if self.plan.priority == "urgent" and self.rng.random() < 0.5:
            self.later(5, 40)
            self.step(ticket_note, self.ticket, actor=self.w.staff["maryam"], body=self.ph["escalate_note"])
        return agent

    def tag(self):
        """The manager tags a ticket while glancing over the new ones. (This also makes the SLA
        columns follow the moved creation time: the create step computed them from the real one.)"""
        self.later(5, 120)
        self.step(ticket_classify, self.ticket, actor=self.w.staff["maryam"], tags=list(self.s.tags))

    def reply(self, agent, body, pending=False, lo=15, hi=240):
        self.later(lo, hi)
        greet, self.greeted = ("" if self.greeted else self.ph["greet"]), True
        return self.step(ticket_reply, self.ticket, actor=agent, body=self.text(greet + body), pending_customer=pending)

    def note(self, agent, body):
        if body:
            self.later(5, 60)
            self.step(ticket_note, self.ticket, actor=agent, body=self.text(body))

    def refer(self, agent, answered=True):
        unit, question, answer, who = self.s.refer or (
            DEFAULT_UNIT[self.s.team], self.ph["refer_generic"][DEFAULT_UNIT[self.s.team]], "", "")
        self.later(10, 120)
        due = business(self.t + timedelta(days=self.trng.uniform(1.5, 5)), self.trng)
        referral = self.step(ticket_refer, self.ticket, actor=agent, unit=unit, question=self.text(question), due_at=due)
        self.w.count["referrals"] += 1
        if answered and answer:
            self.later(120, 3 * 24 * 60)
            self.step(referral_answer, referral, actor=agent, answer=self.text(answer), answered_by=who)
        return referral

    def set_eta(self, agent, days):
        self.later(5, 60)
        eta = business(self.t + timedelta(days=days), self.trng)
        self.step(ticket_set_eta, self.ticket, actor=agent, eta=eta)

    def maybe_link(self, agent):
        roll = self.rng.random()
        earlier = [d for d in self.w.done if d.scenario_key == self.s.key]
        if earlier and self.w.count["links"] < self.w.max_links and roll < 0.5:
            self.later(5, 60)
            self.step(ticket_link, self.ticket, actor=agent, other=Ticket.objects.get(pk=earlier[-1].ticket_id),
                      kind=TicketLink.Kind.RELATED)
            self.note(agent, self.ph["link_note"])
            self.w.count["links"] += 1

    def maybe_hand_over(self, agent):
        roll = self.rng.random()
        others = [u for u in self.w.members[self.s.team] if u != agent]
        if others and roll < 0.15:
            other = self.rng.choice(others)
            self.later(30, 240)
            self.step(ticket_assign, self.ticket, actor=agent, assignee=other)
            self.note(agent, fill(self.ph["handover"], agent=other.display_name))
            return other
        return agent

    # -- whole lives -----------------------------------------------------------------------
    def run(self):
        getattr(self, f"life_{self.plan.kind}")()
        self.w.timeline.settle()
        status = self.ticket.status
        self.w.done.append(Done(self.ticket_id, self.org.spec["key"], self.s.key, status, self.t, self.plan.kind))
        return self.ticket_id

    def life_normal(self):
        state = self.plan.state
        self.open_ticket()
        if state == states.NEW:
            if self.rng.random() < 0.3:
                self.customer_says(self.ph["more"])
            return self.tag()
        agent = self.triage()
        if state == states.CLOSED and self.rng.random() < 0.1:
            self.reply(agent, self.rng.choice(self.ph["ack"]))
            self.customer_says(self.ph["withdraw"])
            self.customer_does("withdraw")
            self.plan.kind = "withdrawn"
            return
        if state == states.OPEN:
            return self.life_open(agent)
        if state == states.PENDING_CUSTOMER:
            if self.rng.random() < 0.3:
                self.reply(agent, self.rng.choice(self.ph["ack"]))
            self.note(agent, self.s.note if self.rng.random() < 0.4 else "")
            self.reply(agent, self.s.reply, pending=True)
            return
        if state == states.ON_HOLD:
            self.reply(agent, self.rng.choice(self.ph["ack"]) + "\n" + self.ph["refer_ack"])
            self.refer(agent, answered=False)
            if self.rng.random() < 0.5:
                self.set_eta(agent, self.rng.uniform(3, 10))
            return
        self.life_solved(agent, close=state == states.CLOSED)

    def life_open(self, agent):
        agent = self.maybe_hand_over(agent)
        if self.rng.random() < 0.5:
            self.reply(agent, self.rng.choice(self.ph["ack"]))
            self.note(agent, self.s.note)
        else:
            self.reply(agent, self.s.reply)
            self.customer_says(self.s.answer)
            if self.s.result_type == "defect" and self.rng.random() < 0.4:
                self.set_eta(agent, self.rng.uniform(2, 8))

    def life_solved(self, agent, close):
        rng = self.rng
        if rng.random() < 0.3:
            self.note(agent, self.s.note)
        self.reply(agent, self.s.reply, pending=True)
        self.customer_says(self.s.answer)
        agent = self.maybe_hand_over(agent)
        if self.s.final_type:
            self.later(5, 60)
            self.step(ticket_classify, self.ticket, actor=agent, type=self.s.final_type)
        self.maybe_link(agent)
        if self.s.refer:
            self.reply(agent, self.ph["refer_ack"], lo=10, hi=90)
            if rng.random() < 0.5:
                self.set_eta(agent, rng.uniform(2, 6))
            self.refer(agent)
            if rng.random() < 0.3:
                self.note(agent, self.ph["call_note"])
        self.reply(agent, self.s.solution, pending=rng.random() < 0.3, lo=30, hi=24 * 60)
        if rng.random() < 0.6:
            self.customer_says(self.s.thanks or rng.choice(self.ph["thanks"]))
        self.resolve(agent)
        if rng.random() < 0.12:
            self.customer_says(rng.choice(self.ph["reopen"]))
            self.reply(agent, self.ph["reopen_reply"], lo=30, hi=6 * 60)
            self.resolve(agent)
        if close:
            self.close()

    def resolve(self, agent):
        self.later(5, 120)
        self.step(ticket_transition, self.ticket, actor=agent, action="resolve")

    def close(self):
        roll = self.rng.random()
        if roll < 0.4:
            self.customer_does("close")
        elif roll < 0.8:
            # nobody objected for a week: the system closes it
            self.t = self.w.timeline.clamp(self.t, self.t + timedelta(days=7))
            self.step(ticket_transition, self.ticket, actor=None, action="close")
        else:
            self.later(60, 2 * 24 * 60)
            self.step(ticket_transition, self.ticket, actor=self.ticket.assignee or self.w.staff["maryam"], action="close")

    def life_merge(self):
        """The customer writes again about a request we already have: the agent merges the duplicate."""
        target_done = self.plan.target
        target = Ticket.objects.select_related("requester").get(pk=target_done.ticket_id)
        self.requester = target.requester if self.rng.random() < 0.7 else self.requester
        self.product = target.product
        self.open_ticket(subject=target.subject, body=self.ph["duplicate"])
        self.later(20, 180)
        self.step(ticket_merge, self.ticket, actor=self.w.staff["maryam"], target=target)
        self.w.count["merges"] += 1

    def life_followup(self):
        """The customer answers a closed ticket: a new ticket opens, linked to the old one."""
        old = Ticket.objects.select_related("requester").get(pk=self.plan.target.ticket_id)
        self.requester = old.requester
        message = self.step(ticket_customer_reply, old, contact=old.requester, body=self.ph["followup"],
                            channel=Channel.EMAIL, email_message_id=self.message_id())
        self.ticket_id = message.ticket_id
        self.w.count["follow_ups"] += 1
        if self.plan.state == states.NEW:
            return self.tag()
        self.reply(self.agent(), self.rng.choice(self.ph["ack"]))
