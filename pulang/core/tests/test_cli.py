import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_pulang(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pulang.cli", *args],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **(env or {}),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "PULANG_ALLOWED_HOSTS": "pulang.example.org",
}


def test_hyphenated_command_names_work():
    result = run_pulang("load-regions", "--help")
    assert result.returncode == 0, result.stderr
    assert "--without-villages" in result.stdout


def test_production_passes_the_deploy_check_with_real_settings():
    result = run_pulang(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "PULANG_SECRET_KEY": secrets.token_urlsafe(64)},
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    "override",
    [
        {"PULANG_SECRET_KEY": ""},
        {"PULANG_SECRET_KEY": "short"},
        {"PULANG_SECRET_KEY": secrets.token_urlsafe(64), "PULANG_ALLOWED_HOSTS": ""},
    ],
)
def test_production_refuses_to_start_without_a_real_key_and_hosts(override):
    result = run_pulang("check", env={**PRODUCTION, **override})
    assert result.returncode != 0
    assert "PULANG_SECRET_KEY" in result.stderr or "PULANG_ALLOWED_HOSTS" in result.stderr
