"""Rows of the benchmark dataset: reference data through the ORM, tickets/messages/events as
COPY text. Split from seed.py (which owns the loading) to keep both small.

The shape aims at a real helpdesk after three years: ids grow with created_at; ~15% of tickets
in open states, mostly recent, the rest resolved/closed; a few customers raise most tickets; open
tickets have deadlines around now, one in five already breached; a few tickets have 200 messages.
"""
import json
import random
import time

N = "\\N"  # NULL in COPY text
DAY = 86_400
YEAR = 365 * DAY
ORGS, CONTACTS, TEAMS, AGENTS, PRODUCTS = 200, 2_000, 6, 30, 8
AGENT_PREFIX = "bench_agent_"
OPEN = {"new", "open", "pending_customer", "on_hold"}
FIRST = {"low": 8 * 3600, "normal": 4 * 3600, "high": 2 * 3600, "urgent": 3600}
RESOLVE = {"low": 5 * DAY, "normal": 3 * DAY, "high": DAY, "urgent": 8 * 3600}
TAGS = ("billing", "login", "printing", "payroll", "tax", "backup", "network", "upgrade", "report", "vip",
        "slow", "mobile", "import", "export", "api", "invoice", "warehouse", "training", "bug", "urgent-fix")
WORDS_FA = ("فاکتور گزارش خطا ورود سامانه حقوق دستمزد انبار چاپ کاربر رمز نسخه به‌روزرسانی مالیات سند حسابداری "
            "تراز پرداخت مشتری کالا فروش خرید اتصال شبکه پشتیبان‌گیری سرور کند باز نمی‌شود لطفاً بررسی کنید "
            "ممنون امروز دوباره مشکل گزارش‌گیری").split()
WORDS_EN = ("invoice report error login system payroll warehouse print user password version update tax document "
            "ledger balance payment customer stock sales purchase connection network backup server slow cannot "
            "open please check thanks today again problem").split()
TICKET_COLUMNS = (
    "id", "number", "subject", "organization_id", "requester_id", "contract_id", "product_id", "team_id",
    "assignee_id", "status", "type", "priority", "channel", "tags", "created_at", "updated_at", "first_response_at",
    "last_customer_message_at", "last_agent_message_at", "resolved_at", "closed_at", "first_response_due_at",
    "next_response_due_at", "resolution_due_at", "next_due_at", "sla_next_check_at", "version",
)
MESSAGE_COLUMNS = ("ticket_id", "kind", "author_user_id", "author_contact_id", "body", "body_html", "channel",
                   "email_message_id", "created_at")
EVENT_COLUMNS = ("ticket_id", "actor_id", "actor_contact_id", "kind", "data", "at")


def _weighted(weights: dict) -> list:
    """A lookup list: list[int(random() * len)] draws with these weights, without random.choices' cost."""
    return [key for key, weight in weights.items() for _ in range(int(weight * 10))]


OPEN_STATUS = _weighted({"new": 3, "open": 6, "pending_customer": 3.5, "on_hold": 2.5})
PRIORITY = _weighted({"low": 20, "normal": 55, "high": 20, "urgent": 5})
TYPE = _weighted({"question": 40, "defect": 20, "user_error": 20, "feature_request": 8, "customization": 7, "other": 5})
CHANNEL = _weighted({"portal": 40, "email": 35, "phone": 15, "chat": 5, "api": 3, "visit": 2})
MESSAGES = _weighted({1: 25, 2: 20, 3: 20, 4: 15, 5: 10, 6: 5, 8: 5})  # mean ~3


def reference_data() -> dict:
    """Organisations, contacts, products, contracts, teams and agents, through the ORM."""
    from datetime import date

    from customers.models import Contact, Contract, Organization, Product, Role, User
    from tickets.models import Team

    orgs = Organization.objects.bulk_create(
        Organization(name=f"Bench org {n:03d}", email_domains=[f"org{n:03d}.example"]) for n in range(ORGS))
    contacts = Contact.objects.bulk_create(
        Contact(organization=orgs[n % ORGS], name=f"Contact {n:04d}", email=f"c{n:04d}@org{n % ORGS:03d}.example")
        for n in range(CONTACTS))
    products = Product.objects.bulk_create(Product(name=f"Product {n}", code=f"product-{n}") for n in range(PRODUCTS))
    contracts = Contract.objects.bulk_create(
        Contract(organization=org, name="Support", starts_on=date(2020, 1, 1)) for org in orgs)
    agents = User.objects.bulk_create(
        User(username=f"{AGENT_PREFIX}{n:02d}", first_name="Agent", last_name=f"{n:02d}", role=Role.AGENT,
             password="!bench-no-login") for n in range(AGENTS))
    User.objects.create(username="bench_manager", role=Role.MANAGER, password="!bench-no-login")
    teams = Team.objects.bulk_create(Team(name=f"Bench team {n}") for n in range(TEAMS))
    members = {team.pk: [] for team in teams}
    for n, agent in enumerate(agents):
        members[teams[n % TEAMS].pk].append(agent.pk)
        if n % 5 == 0:  # a few agents work in two teams
            members[teams[(n + 1) % TEAMS].pk].append(agent.pk)
    for team in teams:
        team.members.set(members[team.pk])
    return {
        "contacts": [(c.pk, c.organization_id) for c in contacts],
        "contracts": {c.organization_id: c.pk for c in contracts},
        "products": [p.pk for p in products],
        "members": members,
    }


class Generator:
    """Writes the rows of tickets [lo, hi) deterministically: the same scale gives the same data."""

    columns = (TICKET_COLUMNS, MESSAGE_COLUMNS, EVENT_COLUMNS)

    def __init__(self, ref, scale, now):
        self.ref, self.scale, self.now = ref, scale, now
        rng = random.Random(1)
        self.subjects = [_text(rng, 4, 9) for _ in range(3_000)]
        self.bodies = [_text(rng, 12, 70) for _ in range(5_000)]
        self.big = set(self._big_indexes())
        first_day = (now - 4 * YEAR) // DAY
        self.first_day = first_day
        self.days = [time.strftime("%Y-%m-%d", time.gmtime(d * DAY)) for d in range(first_day, now // DAY + 60)]

    def _big_indexes(self):
        """A few tickets with 200 messages, for the ticket-page workload (their ids are in the marker)."""
        count = min(20, max(3, self.scale // 50_000))
        step = max(1, self.scale // count)
        return range(step // 2, self.scale, step)[:count]

    def big_ids(self):
        return sorted(i + 1 for i in self.big)

    def ts(self, t):
        if t is None:
            return N
        day, sec = divmod(t, DAY)
        return f"{self.days[day - self.first_day]} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}+00"

    def write(self, indexes, tickets, messages, events, *, seed):
        rng = random.Random(seed)
        r = rng.random
        ts, now = self.ts, self.now
        contacts, contracts, products = self.ref["contacts"], self.ref["contracts"], self.ref["products"]
        members = self.ref["members"]
        teams = list(members)
        subjects, bodies = self.subjects, self.bodies
        scale, span_all = self.scale, 3 * YEAR - 2 * 3600
        start = now - 3 * YEAR
        for i in indexes:
            big = i in self.big
            # Ids grow with time as in a real table, and the backlog is recent: the chance of
            # a ticket still being open rises steeply with its age rank u (1.05 u^6 averages 15%).
            u = (i + 0.5) / scale
            created = start + int(u * span_all) + int(r() * 3600)
            x = r()
            if big or x < 1.05 * u ** 6:
                status = "open" if big else OPEN_STATUS[int(r() * len(OPEN_STATUS))]
            elif x < 1.05 * u ** 6 + 0.4 * u ** 3:
                status = "resolved"
            else:
                status = "closed"
            is_open = status in OPEN
            age = now - created
            contact, org = contacts[int(len(contacts) * r() * r())]  # a few customers raise most tickets
            team = teams[int(r() * len(teams))]
            crew = members[team]
            assignee = crew[int(r() * len(crew))] if big or r() < (0.8 if is_open else 0.97) else None
            priority = PRIORITY[int(r() * len(PRIORITY))]
            kind = TYPE[int(r() * len(TYPE))]
            channel = CHANNEL[int(r() * len(CHANNEL))]
            product = products[int(r() * len(products))] if r() < 0.7 else N
            tags = "{" + ",".join(sorted({TAGS[int(r() * len(TAGS))] for _ in range(int(r() * 3))})) + "}"
            fr_due, res_due, nr_due, next_due, check = created + FIRST[priority], created + RESOLVE[priority], None, None, None
            first_resp = None if status == "new" else created + min(age // 3, int(r() * FIRST[priority] * 1.3) + 60)
            resolved = closed = None
            if status in ("resolved", "closed"):
                resolved = first_resp + min((now - first_resp) // 2, int(r() * RESOLVE[priority] * 1.2) + 600)
                if status == "closed":
                    closed = resolved + min((now - resolved) // 2, int(r() * 7 * DAY) + 3600)
            elif status != "pending_customer":
                next_due = now + int((r() * 5 - 1) * DAY)  # one in five already breached
                if status == "new":
                    fr_due = next_due
                else:
                    nr_due = next_due
                res_due = next_due + int(r() * 3 * DAY)
                check = next_due - 3600
            end = closed or resolved or max(first_resp or created, created + int(r() * age))
            updated = end

            count = 200 if big else (1 if status == "new" else MESSAGES[int(r() * len(MESSAGES))])
            agent = assignee or crew[0]
            span = max(1, (resolved or end) - created)
            last_customer = last_agent = None
            for j in range(count):
                at = created + span * j // count
                if j % 2 == 0:
                    messages.write(f"{i + 1}\tpublic\t{N}\t{contact}\t{bodies[int(r() * 5000)]}\t\t{channel}\t{N}\t{ts(at)}\n")
                    last_customer = at
                else:
                    note = "internal" if r() < 0.1 else "public"
                    messages.write(f"{i + 1}\t{note}\t{agent}\t{N}\t{bodies[int(r() * 5000)]}\t\t{channel}\t{N}\t{ts(at)}\n")
                    last_agent = at

            registered_by = agent if channel in ("phone", "chat", "visit") else None
            data = {"channel": channel, "type": kind, "priority": priority, "registered_by": registered_by, "version": 1}
            actor_contact = contact if channel == "portal" else N
            events.write(f"{i + 1}\t{registered_by or N}\t{actor_contact}\tcreated\t{json.dumps(data)}\t{ts(created)}\n")
            version = 2
            if resolved:
                data = {"action": "resolve", "old": "open", "new": "resolved", "version": 2}
                events.write(f"{i + 1}\t{agent}\t{N}\tstatus_changed\t{json.dumps(data)}\t{ts(resolved)}\n")
                version = 3
            elif assignee:
                data = {"changes": {"assignee": [None, assignee]}, "version": 2}
                events.write(f"{i + 1}\t{agent}\t{N}\tassigned\t{json.dumps(data)}\t{ts(created + 60)}\n")
                version = 3

            tickets.write(
                f"{i + 1}\t{1000 + i}\t{subjects[int(r() * 3000)]}\t{org}\t{contact}\t{contracts.get(org, N)}\t{product}\t"
                f"{team}\t{assignee or N}\t{status}\t{kind}\t{priority}\t{channel}\t{tags}\t{ts(created)}\t{ts(updated)}\t"
                f"{ts(first_resp)}\t{ts(last_customer)}\t{ts(last_agent)}\t{ts(resolved)}\t{ts(closed)}\t{ts(fr_due)}\t"
                f"{ts(nr_due)}\t{ts(res_due)}\t{ts(next_due)}\t{ts(check)}\t{version}\n")


def _text(rng, low, high):
    words = WORDS_FA if rng.random() < 0.7 else WORDS_EN
    return " ".join(rng.choice(words) for _ in range(rng.randint(low, high)))


def missing_column_defaults(model, columns, connection):
    """Columns of `model` that the generator does not write and the database cannot fill (NOT NULL,
    no DB default), with their Python defaults as COPY text: a field added later keeps seeding working."""
    from django.db.models import NOT_PROVIDED, DateTimeField

    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key or field.null or field.db_default is not NOT_PROVIDED:
            continue
        value = field.get_default()
        if isinstance(field, DateTimeField) and value is None:
            value = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
        elif isinstance(value, bool):
            value = "t" if value else "f"
        elif isinstance(value, (list, tuple)) and field.get_internal_type() == "ArrayField":
            value = "{" + ",".join(map(str, value)) + "}"
        elif isinstance(value, (dict, list)):
            value = json.dumps(value)
        value = str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        names.append(field.column)
        values.append(value)
    return names, "".join("\t" + v for v in values)
