"""The status machine, without a database."""
import pytest

from tickets import states
from tickets.states import TransitionError, allowed_actions, next_status


@pytest.mark.parametrize("current,action,actor,expected", [
    ("new", "open", "agent", "open"),
    ("open", "wait_customer", "agent", "pending_customer"),
    ("pending_customer", "customer_replied", "customer", "open"),
    ("open", "hold", "agent", "on_hold"),
    ("on_hold", "resume", "agent", "open"),
    ("open", "resolve", "agent", "resolved"),
    ("resolved", "reopen", "customer", "open"),
    ("resolved", "close", "customer", "closed"),
    ("open", "withdraw", "customer", "closed"),
    ("open", "merge", "agent", "closed"),
])
def test_allowed_transitions_lead_where_the_table_says(current, action, actor, expected):
    assert next_status(current, action, actor) == expected


@pytest.mark.parametrize("current,action,actor", [
    ("closed", "reopen", "customer"),      # a closed ticket stays closed; a new linked one is opened
    ("closed", "resolve", "agent"),
    ("new", "resolve", "customer"),        # customers cannot resolve
    ("open", "wait_customer", "customer"),
    ("resolved", "resolve", "agent"),
    ("open", "no_such_action", "agent"),
    ("bogus", "open", "agent"),
])
def test_forbidden_transitions_raise(current, action, actor):
    with pytest.raises(TransitionError):
        next_status(current, action, actor)


def test_only_closed_is_final_and_nothing_leaves_it():
    for actor in (states.AGENT, states.CUSTOMER, states.SYSTEM):
        assert allowed_actions(states.CLOSED, actor) == []


def test_every_open_state_can_be_resolved_by_an_agent():
    for state in states.OPEN_STATES:
        assert "resolve" in allowed_actions(state, states.AGENT)


def test_waiting_on_customer_is_the_paused_state():
    assert states.PAUSED_STATES == {states.PENDING_CUSTOMER}
