"""The workload registry: name -> module. Each module has `run(scale) -> dict` of figures and
`GOALS` = {figure: (operator, target, unit)} that BENCHMARKS.md prints next to the measurement
(operator: <, <=, >, >= for numbers, `is` for a flag).

Adding a workload is one module here and one line below; `python -m bench all` runs them in
this order (seed first, so later workloads reuse the dataset it loaded).
"""
from importlib import import_module

WORKLOADS = {
    "seed": "bench.workloads.seed",
    "create": "bench.workloads.create",
    "queue": "bench.workloads.queue",
    "agent_pages": "bench.workloads.agent_pages",
    "sla_scan": "bench.workloads.sla_scan",
    "portal": "bench.workloads.portal",
    "kb_search": "bench.workloads.kb_search",
    "dashboard": "bench.workloads.dashboard",
    "api": "bench.workloads.api",
    "footprint": "bench.workloads.footprint",
    "intake": "bench.workloads.intake",
}


def load(name):
    """Imported on demand, so one broken workload does not stop the others from running."""
    return import_module(WORKLOADS[name])
