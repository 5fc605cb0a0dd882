"""What a ticket story is asked to produce (Plan), and what later stories may refer to (Done)."""
from dataclasses import dataclass
from datetime import datetime


@dataclass
class Plan:
    index: int
    org: object            # people.OrgInfo
    scenario: object       # scenario.Scenario
    state: str
    channel: str
    priority: str
    kind: str = "normal"   # normal | merge | followup
    start: datetime = None
    target: object = None  # the Done a merge or follow-up refers to


@dataclass
class Done:
    """What later stories may refer to (merge targets, follow-ups, links)."""
    ticket_id: int
    org_key: str
    scenario_key: str
    state: str
    last_at: datetime
    kind: str = "normal"
