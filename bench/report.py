"""BENCHMARKS.md, rewritten by `python -m bench all` from the figures of that run only."""
import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

from bench import workloads

PATH = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
OPERATORS = {"<": float.__lt__, "<=": float.__le__, ">": float.__gt__, ">=": float.__ge__}


def machine() -> dict:
    from django.db import connection

    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal:")), 0)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    # The load average tells a reader whether other work shared the machine during the run.
    load = " ".join(_read("/proc/loadavg").split()[:3]) or "unknown"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1), "load": load,
            "postgresql": pg.split(" (")[0], "python": platform.python_version(),
            "database": connection.settings_dict["NAME"]}


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _goal_cell(goal, value):
    """('< 20 ms', 'yes'|'no'|'') for a figure with a goal."""
    if goal is None:
        return "", ""
    op, target, unit = goal
    met = ""
    if op == "is":
        met = "yes" if value is target else "**no**"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        met = "yes" if OPERATORS[op](float(value), float(target)) else "**no**"
    shown = f"{target:,}" if isinstance(target, (int, float)) and not isinstance(target, bool) else str(target)
    return f"{op} {shown} {unit}".strip(), met


def _fmt(value):
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "—" if value is None else str(value)


def render(results, info, now) -> str:
    scale = results[0]["scale"] if results else 0
    lines = [
        "# Benchmarks",
        "",
        "Written by `python -m bench all` (`make bench`); do not edit by hand. Every figure below comes from",
        "that run; how each workload measures is described in `bench/README.md` and its module's docstring.",
        "",
        f"- Date: {now:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB memory "
        f"(load average {info['load']} when the report was written)",
        f"- PostgreSQL {info['postgresql']} (dataset in database `{info['database']}`), Python {info['python']}",
        f"- Scale: {scale:,} tickets",
        "",
        "| Workload | Figure | Measured | Goal | Met |",
        "|---|---|---:|---|---|",
    ]
    details = []
    for result in results:
        name = result["workload"]
        goals = getattr(workloads.load(name), "GOALS", {})
        for key, value in result.items():
            if key in ("workload", "scale"):
                continue
            if isinstance(value, (dict, list)):
                details.append(f"- `{name}` {key}: `{json.dumps(value, ensure_ascii=False)}`")
                continue
            goal, met = _goal_cell(goals.get(key), value)
            lines.append(f"| {name} | {key} | {_fmt(value)} | {goal} | {met} |")
    if details:
        lines += ["", "## Details", "", *details]
    return "\n".join(lines) + "\n"


def write(results) -> Path:
    PATH.write_text(render(results, machine(), datetime.now(timezone.utc)))
    return PATH
