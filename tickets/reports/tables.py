"""The shape every panel returns: a Table of Cells (raw value for exports, text for the page in the
reader's digits, and the link to the tickets behind it), plus the SQL helpers they share.

One Table feeds the page, the chart, the CSV and the XLSX, so the four never disagree.
"""
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, F

from helpdesk.templatetags.jalali import num


@dataclass
class Cell:
    value: object  # what exports write: int, float, str or None
    text: str  # what the page shows
    url: str | None = None
    numeric: bool = True


@dataclass
class Table:
    name: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    chart: dict | None = None  # {"type", "labels", "datasets": [{"label", "data"}]} for dashboard.js
    note: str = ""
    headline: dict = field(default_factory=dict)  # the panel's figures for the cards at the top

    @property
    def long(self):
        """Long tables (a year of days) fold under their chart."""
        return len(self.rows) > 31


def count(value, url=None) -> Cell:
    """A count; zero links nowhere (an empty list is not worth a click)."""
    value = int(value or 0)
    shown = num(f"{value:,}")
    return Cell(value, shown.replace(",", "٬") if shown != f"{value:,}" else shown, url if value else None)


def pct(part, whole, url=None) -> Cell:
    if not whole:
        return Cell(None, "—")
    value = round(100.0 * (part or 0) / whole, 1)
    return Cell(value, num(f"{value:.1f}%"), url)


def hours(minutes, url=None) -> Cell:
    """Business minutes shown as hours with one decimal: 90 -> 1.5."""
    if minutes is None:
        return Cell(None, "—")
    value = round(float(minutes) / 60.0, 1)
    return Cell(value, num(f"{value:.1f}"), url)


def decimal(value, places=2, url=None) -> Cell:
    if value is None:
        return Cell(None, "—")
    value = round(float(value), places)
    return Cell(value, num(f"{value:.{places}f}"), url)


def text(value, url=None) -> Cell:
    value = "" if value is None else str(value)
    return Cell(value, value, url, numeric=False)


def grouped_sql(qs, columns: dict, sets: list, aggregates: dict, values: dict | None = None) -> tuple[str, list]:
    """The SQL of `grouped` (see there), for callers that combine it with other rows (summary.py).

    Its first column `set` is the index of the row's grouping set, then the columns, then the aggregates.
    """
    every = {**columns, **(values or {})}
    exprs = {f"c_{k}": F(v) if isinstance(v, str) else v for k, v in every.items()}
    inner_sql, params = qs.order_by().values(**exprs).query.sql_with_params()
    names = list(columns)
    grouping = f"GROUPING({', '.join(f'r.c_{n}' for n in names)})" if names else "0"
    # GROUPING() sets bit (n-1-i) for every column i NOT grouped in that row's set.
    cases = " ".join(f"WHEN {sum(1 << (len(names) - 1 - i) for i, name in enumerate(names) if name not in members)} "
                     f"THEN {index}" for index, members in enumerate(sets))
    select = ", ".join([f"CASE {grouping} {cases} END AS \"set\""] + [f"r.c_{n} AS {n}" for n in names]
                       + [f"{sql} AS {alias}" for alias, sql in aggregates.items()])
    group = ", ".join("(" + ", ".join(f"r.c_{n}" for n in members) + ")" for members in sets)
    return f"SELECT {select} FROM ({inner_sql}) r GROUP BY GROUPING SETS ({group})", list(params)


def fetch(sql, params) -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        keys = [c[0] for c in cur.description]
        return [dict(zip(keys, row)) for row in cur.fetchall()]


def grouped(qs, columns: dict, sets: list, aggregates: dict, values: dict | None = None) -> list[dict]:
    """Aggregate `qs` by several GROUPING SETS in ONE query (one scan of the rows).

    The ORM builds the filtered rows (so scopes and joins stay in one place); this wraps them:
        SELECT <set index>, <columns>, <aggregates> FROM (<qs>) r GROUP BY GROUPING SETS (...)
    `columns` maps alias -> ORM expression or field path (grouped by); `values` the same for
    columns only aggregated over; `sets` lists tuples of column aliases; `aggregates` maps
    alias -> SQL over `r.c_<alias>` (constants written in this package, never user input).
    Each row comes back as a dict whose `set` is the index of its grouping set.
    """
    return fetch(*grouped_sql(qs, columns, sets, aggregates, values))


def by_set(rows, index):
    return [r for r in rows if r["set"] == index]


def total(rows, index=0):
    found = by_set(rows, index)
    return found[0] if found else {}


class Percentile(Aggregate):
    """percentile_cont(f) WITHIN GROUP (ORDER BY x): exact, interpolated, NULLs ignored."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)
