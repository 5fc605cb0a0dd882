"""Reference data read once per unit of work instead of once per row.

A batch of inbound email opens hundreds of tickets in one transaction; each would read the same
webhook subscriptions and the same organisation's contracts again. Inside `read_once()`, `once()`
keeps what it computed by key until the block ends; outside, it just computes. Only for data a
batch may see as of its start (a webhook or contract added meanwhile counts from the next batch).
"""
from contextlib import contextmanager
from contextvars import ContextVar

_memo: ContextVar[dict | None] = ContextVar("read_once", default=None)


@contextmanager
def read_once():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once(key, compute):
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
