"""Settings come from the environment and fail loudly on bad values."""
import os
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def run_check(*args, **env):
    # Start from the outer environment minus everything the check is about.
    full = {k: v for k, v in os.environ.items()
            if k not in ("SECRET_KEY", "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "DJANGO_ALLOW_ASYNC_UNSAFE") and not k.startswith("SECURE_")}
    full.update(env)
    return subprocess.run([sys.executable, "manage.py", "check", *args], cwd=BASE, env=full, capture_output=True, text=True)


def test_missing_secret_key_with_debug_off_stops_start_up_with_a_clear_message():
    result = start_web(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def start_web(**env):
    """What gunicorn and runserver do first: load the WSGI application."""
    full = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    full.update(env)
    return subprocess.run([sys.executable, "-c", "import helpdesk.wsgi"], cwd=BASE, env=full, capture_output=True, text=True)


def test_offline_commands_run_on_a_bare_checkout():
    bare = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=BASE, env=bare,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "W000" not in result.stderr and "Warning" not in result.stderr, result.stderr  # quiet: nothing is wrong


def test_a_command_that_needs_the_database_says_which_setting_is_missing():
    bare = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run([sys.executable, "manage.py", "migrate"], cwd=BASE, env=bare, capture_output=True, text=True)
    assert result.returncode != 0 and "DATABASE_URL is not set" in result.stderr


def test_bad_boolean_is_reported_by_name():
    result = run_check(DEBUG="maybe", SECRET_KEY="x")
    assert result.returncode != 0 and "DEBUG='maybe' is not a boolean" in result.stderr


def test_non_postgres_database_is_refused():
    result = run_check(DEBUG="1", DATABASE_URL="sqlite:///x.db")
    assert result.returncode != 0 and "must be a PostgreSQL URL" in result.stderr


def test_deploy_check_is_clean_with_a_real_secret_and_debug_off():
    result = run_check("--deploy", "--fail-level", "WARNING", DEBUG="0", ALLOWED_HOSTS="helpdesk.example.com",
                       SECRET_KEY="k3y-" + "x9Q2z" * 12)
    assert result.returncode == 0, result.stderr + result.stdout


def test_time_zone_and_language_default_to_tehran_and_persian(settings):
    assert settings.TIME_ZONE == "Asia/Tehran" and settings.LANGUAGE_CODE == "fa"
