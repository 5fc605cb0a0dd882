"""Keyset pagination: each page continues from the last row's sort key, so page 1,000 costs what
page 1 costs (no OFFSET, no COUNT). Comparisons are PostgreSQL row values, which btree indexes
on (key, id) answer directly; OR-expanded comparisons would defeat them."""
import base64
import json
from datetime import datetime

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import Http404


def encode(value, last_id) -> str:
    raw = json.dumps([value.isoformat() if isinstance(value, datetime) else value, last_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        first, last_id = json.loads(raw)
        return (datetime.fromisoformat(first) if first else None), int(last_id)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise Http404("bad cursor") from None


def _row_cmp(qs, column, op, value, last_id):
    table = qs.model._meta.db_table
    sql = f'("{table}"."{column}", "{table}"."id") {op} (%s, %s)'
    return qs.filter(RawSQL(sql, (value, last_id), output_field=BooleanField()))


def _fetch(qs, hydrate, order, n):
    """Pick the page's ids on the ticket table alone, then join only those rows: sorting a few
    thousand narrow rows is cheap, sorting them after five joins is not."""
    # Two queries rather than a subquery: the row-value comparison is raw SQL naming the table,
    # which a subquery would alias (and silently correlate with the outer query).
    ids = list(qs.order_by(*order).values_list("pk", flat=True)[:n])
    if not ids:
        return []
    base = qs.model.objects.filter(pk__in=ids)
    return list((hydrate(base) if hydrate else base).order_by(*order))


def page_ascending_nulls_last(qs, column, cursor, limit, hydrate=None):
    """Order by `column` ascending (NULLs last), then id. At most two queries: the dated rows,
    then, if the page is not full, the undated ones."""
    value, last_id = decode(cursor) if cursor else (None, None)
    rows = []
    if cursor is None or value is not None:
        dated = qs.filter(**{f"{column}__isnull": False})
        if cursor:
            dated = _row_cmp(dated, column, ">", value, last_id)
        rows = _fetch(dated, hydrate, (column, "id"), limit + 1)
    if len(rows) <= limit:
        undated = qs.filter(**{f"{column}__isnull": True})
        if cursor and value is None:
            undated = undated.filter(id__gt=last_id)
        rows += _fetch(undated, hydrate, ("id",), limit + 1 - len(rows))
    return _finish(rows, column, limit)


def page_descending(qs, column, cursor, limit, hydrate=None, *, one_query=False):
    """Order by `column` descending (a NOT NULL column), then id descending: newest first.

    one_query: the rows come with the page's ids, in one query. For a filter an index walks in
    order with nothing to de-duplicate (no DISTINCT), where the joins apply to the page's rows only."""
    if cursor:
        value, last_id = decode(cursor)
        qs = _row_cmp(qs, column, "<", value, last_id)
    order = (f"-{column}", "-id")
    if one_query:
        rows = list((hydrate(qs) if hydrate else qs).order_by(*order)[:limit + 1])
    else:
        rows = _fetch(qs, hydrate, order, limit + 1)
    return _finish(rows, column, limit)


def _finish(rows, column, limit):
    items = rows[:limit]
    if len(rows) > limit:
        last = items[-1]
        return items, encode(getattr(last, column), last.pk)
    return items, None
