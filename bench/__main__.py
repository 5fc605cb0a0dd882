"""`python -m bench <workload> [--scale N]` prints one JSON line of figures;
`python -m bench all [--scale N]` runs every workload and rewrites BENCHMARKS.md.

The environment is rewritten BEFORE Django is imported: settings read DATABASE_URL once, so this
is the one place where the benchmark database can replace the demo's.
"""
import argparse
import json
import os
import secrets
import sys
import time

import bench


def _prepare_environment():
    demo_url = os.environ.get("DATABASE_URL", "")
    if not demo_url:
        sys.exit("DATABASE_URL is not set; run through `make bench` or set it to a PostgreSQL URL.")
    bench_url = bench.with_database(demo_url, os.environ.get("BENCH_DB") or bench.DEFAULT_DB)
    if bench_url == demo_url:
        sys.exit("The benchmark database must not be the demo database; set BENCH_DB to another name.")
    # Workloads that measure the running app (footprint) start it against the demo database.
    os.environ["BENCH_DEMO_DATABASE_URL"] = demo_url
    os.environ["DATABASE_URL"] = bench_url
    # Production-like figures: DEBUG off (no query log, no debug toolbar-ish work). The secret
    # only signs nothing-of-value inside this process.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    # Celery is not running: on_commit notifications run inline into the locmem outbox.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    bench.create_database(bench_url)


def _setup_django():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def main(argv=None):
    from bench import workloads

    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", choices=[*workloads.WORKLOADS, "all"])
    parser.add_argument("--scale", type=int, default=None,
                        help=f"tickets in the dataset (default $BENCH_SCALE or {bench.DEFAULT_SCALE:,})")
    args = parser.parse_args(argv)
    scale = args.scale or bench.default_scale()

    _prepare_environment()
    _setup_django()
    names = list(workloads.WORKLOADS) if args.workload == "all" else [args.workload]
    results = []
    for name in names:
        started = time.monotonic()
        try:
            figures = workloads.load(name).run(scale)
        except Exception as exc:  # one broken workload must not hide the others' figures
            import traceback

            traceback.print_exc()
            figures = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"}
        result = {"workload": name, "scale": scale, **figures, "wall_s": round(time.monotonic() - started, 1)}
        print(json.dumps(result, ensure_ascii=False, default=str), flush=True)
        results.append(result)
    if args.workload == "all":
        from bench import report

        path = report.write(results)
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
