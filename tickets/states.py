"""The ticket status machine. PURE: no Django ORM, no I/O. Only this module knows the table.

A transition is named by an *action*; the table says from which states it is allowed, where it
leads, and which kind of actor may take it. Services call `next_status()` and write the result.
"""
from dataclasses import dataclass

NEW = "new"
OPEN = "open"
PENDING_CUSTOMER = "pending_customer"
ON_HOLD = "on_hold"
RESOLVED = "resolved"
CLOSED = "closed"

ALL_STATES = (NEW, OPEN, PENDING_CUSTOMER, ON_HOLD, RESOLVED, CLOSED)
# States in which somebody on our side still owes work: the backlog.
OPEN_STATES = frozenset({NEW, OPEN, PENDING_CUSTOMER, ON_HOLD})
# States whose SLA clock is paused by default: we are waiting on the customer.
PAUSED_STATES = frozenset({PENDING_CUSTOMER})
FINAL_STATES = frozenset({CLOSED})

# Actor kinds (roles collapse to these: manager and admin act as agents here).
AGENT = "agent"
CUSTOMER = "customer"
SYSTEM = "system"


class TransitionError(ValueError):
    """The action is not allowed from this state, or not for this actor."""


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    actors: frozenset


def _t(sources, target, *actors):
    return Transition(frozenset(sources), target, frozenset(actors))


TRANSITIONS = {
    # an agent starts work
    "open": _t({NEW}, OPEN, AGENT, SYSTEM),
    # we asked the customer something; the SLA clock pauses
    "wait_customer": _t({NEW, OPEN, ON_HOLD}, PENDING_CUSTOMER, AGENT),
    # referred to another unit or waiting on a third party
    "hold": _t({NEW, OPEN, PENDING_CUSTOMER}, ON_HOLD, AGENT, SYSTEM),
    "resume": _t({PENDING_CUSTOMER, ON_HOLD}, OPEN, AGENT, SYSTEM),
    # the customer wrote: waiting on them is over
    "customer_replied": _t({PENDING_CUSTOMER}, OPEN, CUSTOMER, SYSTEM),
    "resolve": _t({NEW, OPEN, PENDING_CUSTOMER, ON_HOLD}, RESOLVED, AGENT),
    # within the reopen window; after it a new linked ticket is opened instead
    "reopen": _t({RESOLVED}, OPEN, AGENT, CUSTOMER, SYSTEM),
    "close": _t({RESOLVED}, CLOSED, AGENT, CUSTOMER, SYSTEM),
    # a customer may withdraw a request that is still in progress
    "withdraw": _t({NEW, OPEN, PENDING_CUSTOMER, ON_HOLD}, CLOSED, CUSTOMER),
    # merged into another ticket
    "merge": _t({NEW, OPEN, PENDING_CUSTOMER, ON_HOLD, RESOLVED}, CLOSED, AGENT, SYSTEM),
}


def next_status(current: str, action: str, actor: str) -> str:
    """Return the state `action` leads to from `current`, or raise TransitionError."""
    if current not in ALL_STATES:
        raise TransitionError(f"unknown state {current!r}")
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(f"unknown action {action!r}")
    if actor not in transition.actors:
        raise TransitionError(f"{actor} may not {action}")
    if current not in transition.sources:
        raise TransitionError(f"cannot {action} a ticket that is {current}")
    return transition.target


def allowed_actions(current: str, actor: str) -> list[str]:
    """Actions `actor` may take from `current`, in table order (for buttons in the UI)."""
    return [name for name, t in TRANSITIONS.items() if current in t.sources and actor in t.actors]
