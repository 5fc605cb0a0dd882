"""The people and terms of the demo: staff, teams, products, customer organisations and contracts.

Email addresses use the reserved `.example` domain, so nothing can ever reach a real mailbox.
"""
from datetime import timedelta

from django.contrib.auth.hashers import make_password

from customers.models import Contact, Contract, Organization, Product, Role, User
from tickets.models import Team

PASSWORD = "demo12345"
STAFF_DOMAIN = "poshtiban.example"

# username, first name, last name, role, language, team keys (first team: the one they lead, if any)
STAFF = [
    ("admin", "مدیر", "سامانه", Role.ADMIN, "fa", ()),
    ("maryam", "مریم", "احمدی", Role.MANAGER, "fa", ()),
    ("ali", "علی", "رحیمی", Role.AGENT, "fa", ("support",)),
    ("sara", "Sara", "Karimi", Role.AGENT, "en", ("dev",)),
    ("hamed", "حامد", "نوری", Role.AGENT, "fa", ("support", "dev")),
    ("neda", "ندا", "شریفی", Role.AGENT, "fa", ("sales",)),
]

# key, name, automatic assignment, lead
TEAMS = [
    ("support", "پشتیبانی / Support", Team.AutoAssign.LEAST_LOADED, "ali"),
    ("dev", "Development liaison", Team.AutoAssign.ROUND_ROBIN, "sara"),
    ("sales", "Sales desk", Team.AutoAssign.OFF, "neda"),
]

# code, name, label in English conversations
PRODUCTS = [
    ("hesabyar", "حساب‌یار", "Hesabyar Accounting"),
    ("anbar", "انبار پلاس", "Anbar Plus"),
    ("payroll", "حقوق و دستمزد نوین", "Novin Payroll"),
    ("crm", "CRM Cloud", "CRM Cloud"),
    ("pos", "Mobile POS", "Mobile POS"),
]

# Contracts: (name, starts days ago, ends in days (negative: expired), customer may set priority, active)
ORGS = [
    dict(key="pars", name="نرم‌افزار پارس", domain="parsnarm.example", language="fa", weight=25,
         products=("hesabyar", "payroll", "anbar"),
         contacts=[("رضا تهرانی", "reza", True), ("نگار صالحی", "n.salehi", False), ("مهدی کاظمی", "m.kazemi", False),
                   ("فاطمه رستمی", "f.rostami", False)],
         contracts=[("پشتیبانی طلایی ۱۴۰۳", 300, 65, True, True), ("پشتیبانی نقره‌ای ۱۴۰۲", 665, -301, False, False)],
         notes="مشتری طلایی؛ مدیر مالی: رضا تهرانی."),
    dict(key="aftab", name="فروشگاه‌های زنجیره‌ای آفتاب", domain="aftab-stores.example", language="fa", weight=20,
         products=("hesabyar", "anbar", "pos"),
         contacts=[("سعید مرادی", "s.moradi", True), ("لیلا حسینی", "l.hosseini", False), ("امیر قاسمی", "a.ghasemi", False),
                   ("زهرا کریمی", "z.karimi", False), ("پویا عباسی", "p.abbasi", False)],
         contracts=[("پشتیبانی استاندارد ۱۴۰۳", 200, 165, False, True)],
         notes="۱۲ شعبه در تهران؛ هر شعبه سه صندوق موبایل."),
    dict(key="alborz", name="شرکت پخش البرز", domain="alborz-pakhsh.example", language="fa", weight=15,
         products=("hesabyar", "anbar", "crm"),
         contacts=[("محمد جعفری", "m.jafari", True), ("مینا نادری", "m.naderi", False), ("کاوه صدری", "k.sadri", False)],
         contracts=[("پشتیبانی نقره‌ای ۱۴۰۳", 39, 326, False, True), ("پشتیبانی نقره‌ای ۱۴۰۲", 405, -40, False, True)]),
    dict(key="mehr", name="کاشی و سرامیک مهر", domain="mehrtile.example", language="fa", weight=10,
         products=("payroll", "hesabyar"),
         contacts=[("حسین اکبری", "h.akbari", True), ("مریم توکلی", "m.tavakoli", False), ("بهروز شاکری", "b.shakeri", False)],
         contracts=[("پشتیبانی پایه ۱۴۰۲", 390, -25, False, True)],
         notes="قرارداد تمام شده و هنوز تمدید نشده است."),
    dict(key="northwind", name="Northwind Trading", domain="northwind.example", language="en", weight=18,
         products=("crm", "pos", "hesabyar"),
         contacts=[("John Miller", "john", False), ("Emma Clarke", "emma.clarke", True), ("Raj Patel", "raj.patel", False),
                   ("Sofia Rossi", "sofia.rossi", False)],
         contracts=[("Premium support 2025", 150, 215, True, True)],
         notes="Wholesaler, Bristol. Prefers email."),
    dict(key="harbor", name="Harbor Logistics", domain="harborlogistics.example", language="en", weight=12,
         products=("crm", "hesabyar"),
         contacts=[("Lukas Weber", "lukas.weber", True), ("Anna Schmidt", "anna.schmidt", False), ("Tom Becker", "tom.becker", False)],
         contracts=[("Standard support", 250, 115, False, True)]),
]


def create_people(today):
    """Create staff, teams, products, organisations, contacts (each with a portal login) and contracts."""
    password = make_password(PASSWORD)  # hashed once: the same demo password for every login
    staff = {}
    for username, first, last, role, language, _teams in STAFF:
        staff[username] = User.objects.create(
            username=username, first_name=first, last_name=last, role=role, language=language, password=password,
            email=f"{username}@{STAFF_DOMAIN}", is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
        )
    teams = {}
    for key, name, auto, lead in TEAMS:
        teams[key] = Team.objects.create(name=name, auto_assign=auto, lead=staff[lead])
    for username, *_rest, team_keys in STAFF:
        for key in team_keys:
            teams[key].members.add(staff[username])

    products = {code: Product.objects.create(name=name, code=code) for code, name, _label in PRODUCTS}

    orgs = []
    for spec in ORGS:
        org = Organization.objects.create(name=spec["name"], email_domains=[spec["domain"]], language=spec["language"],
                                          notes=spec.get("notes", ""), allow_self_registration=spec["language"] == "fa")
        contacts = []
        for i, (name, login, is_admin) in enumerate(spec["contacts"]):
            email = f"{login}@{spec['domain']}"
            first, _, last = name.partition(" ")
            user = User.objects.create(username=login, first_name=first, last_name=last, role=Role.CUSTOMER,
                                       language=spec["language"], password=password, email=email)
            contacts.append(Contact.objects.create(
                organization=org, user=user, name=name, email=email, is_org_admin=is_admin, language=spec["language"],
                phone=f"+98 21 8{8000000 + i * 1111 + len(orgs) * 37:07d}" if spec["language"] == "fa" else f"+44 117 496 0{100 + i}",
            ))
        for name, started, ends_in, may_prioritise, active in spec["contracts"]:
            contract = Contract.objects.create(
                organization=org, name=name, starts_on=today - timedelta(days=started),
                ends_on=today + timedelta(days=ends_in), customer_may_set_priority=may_prioritise, is_active=active)
            contract.products.set([products[c] for c in spec["products"]])
        orgs.append(OrgInfo(org, spec, contacts, [products[c] for c in spec["products"]]))
    return staff, teams, products, orgs


class OrgInfo:
    """An organisation with what the ticket generator needs to know about it."""

    def __init__(self, org, spec, contacts, products):
        self.org, self.spec, self.contacts, self.products = org, spec, contacts, products
        self.language = spec["language"]
        self.weight = spec["weight"]
        self.product_codes = {p.code for p in products}

    def pick_requester(self, rng):
        # The demo logins (reza, john) open a good share of their organisation's tickets.
        weights = [4 if c.user and c.user.username in ("reza", "john") else 1 for c in self.contacts]
        return rng.choices(self.contacts, weights)[0]

    def product_label(self, product):
        if product is None:
            return {"fa": "نرم‌افزار", "en": "the software"}[self.language]
        return product.name if self.language == "fa" else dict((c, l) for c, _n, l in PRODUCTS)[product.code]
