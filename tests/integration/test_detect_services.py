"""Which services a test run uses: what answers, unless the environment leaves some out."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.django_plugin import services_banner

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "detect_services.py"
ALL_UP = {"postgres": True, "redis": True, "rabbitmq": True}
SERVICE_VARIABLES = (
    "DATABASE_BOOTSTRAP_URL",
    "DATABASE_ADMIN_URL",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("detect_services", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


detect = load_script()


def urls(exports: dict[str, str]) -> dict[str, str]:
    return {name: exports[name] for name in SERVICE_VARIABLES}


def test_every_service_that_answers_is_used_on_a_test_database() -> None:
    exports = detect.exports_for("emporium_x", {}, reachable=ALL_UP)

    assert urls(exports) == {
        "DATABASE_BOOTSTRAP_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "DATABASE_ADMIN_URL": "postgres://emporium_owner@127.0.0.1:5432/emporium_x_test",
        "DATABASE_URL": "postgres://emporium_app@127.0.0.1:5432/emporium_x_test",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
    }
    assert (exports["EMPORIUM_MISSING_SERVICES"], exports["EMPORIUM_LEFT_OUT_SERVICES"]) == ("", "")


def test_embedded_leaves_out_every_service_even_one_configured_and_answering() -> None:
    env = {"EMPORIUM_EMBEDDED": "1", "DATABASE_URL": "postgres://app@db.example:5432/shop"}

    exports = detect.exports_for("emporium_x", env, reachable=ALL_UP)

    assert urls(exports) == dict.fromkeys(SERVICE_VARIABLES, "")
    assert exports["EMPORIUM_MISSING_SERVICES"] == ""
    assert exports["EMPORIUM_LEFT_OUT_SERVICES"] == "postgres,redis,rabbitmq (EMPORIUM_EMBEDDED=1)"


def test_services_lists_the_ones_to_use() -> None:
    env = {"EMPORIUM_SERVICES": "postgres, redis"}

    exports = detect.exports_for("emporium_x", env, reachable=ALL_UP)

    assert exports["DATABASE_URL"] == "postgres://emporium_app@127.0.0.1:5432/emporium_x_test"
    assert exports["REDIS_URL"] == "redis://127.0.0.1:6379/1"
    assert exports["CELERY_BROKER_URL"] == ""
    assert exports["EMPORIUM_LEFT_OUT_SERVICES"] == "rabbitmq (EMPORIUM_SERVICES=postgres, redis)"


def test_a_listed_service_that_does_not_answer_is_missing_not_left_out() -> None:
    env = {"EMPORIUM_SERVICES": "postgres"}

    exports = detect.exports_for("emporium_x", env, reachable={"postgres": False})

    assert urls(exports) == dict.fromkeys(SERVICE_VARIABLES, "")
    assert exports["EMPORIUM_MISSING_SERVICES"] == "postgres"
    assert exports["EMPORIUM_LEFT_OUT_SERVICES"] == "redis,rabbitmq (EMPORIUM_SERVICES=postgres)"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMPORIUM_SERVICES": "postgres,mysql"}, "EMPORIUM_SERVICES names mysql"),
        (
            {"EMPORIUM_EMBEDDED": "1", "EMPORIUM_REQUIRE_SERVICES": "1"},
            "EMPORIUM_REQUIRE_SERVICES=1 needs every service, but EMPORIUM_EMBEDDED=1 leaves out",
        ),
        ({"EMPORIUM_REQUIRE_SERVICES": "1"}, "required services unreachable: redis"),
    ],
)
def test_contradictions_are_refused(env: dict[str, str], message: str) -> None:
    reachable = {"postgres": True, "redis": False, "rabbitmq": True}

    with pytest.raises(detect.ChoiceError, match=message):
        detect.exports_for("emporium_x", env, reachable=reachable)


def test_the_script_exports_nothing_but_empty_urls_when_embedded() -> None:
    env = {"EMPORIUM_EMBEDDED": "1", "PATH": "/usr/bin:/bin"}

    result = subprocess.run(
        [sys.executable, str(SCRIPT), "emporium_x"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )

    assert [line for line in result.stdout.splitlines() if "_URL=" in line] == [
        f"export {name}=''" for name in SERVICE_VARIABLES
    ]


def test_the_banner_says_which_services_were_left_out_and_by_which_switch() -> None:
    env = {
        "EMPORIUM_MISSING_SERVICES": "",
        "EMPORIUM_LEFT_OUT_SERVICES": "postgres,redis,rabbitmq (EMPORIUM_EMBEDDED=1)",
    }

    assert services_banner(51, env) == [
        "51 tests were SKIPPED because these services were not used: left out on purpose: "
        "postgres,redis,rabbitmq (EMPORIUM_EMBEDDED=1).",
        "Start them (see README.md), unset EMPORIUM_EMBEDDED and EMPORIUM_SERVICES or set "
        "EMPORIUM_REQUIRE_SERVICES=1 to make this a failure.",
    ]


def test_the_banner_names_services_that_did_not_answer() -> None:
    env = {"EMPORIUM_MISSING_SERVICES": "rabbitmq", "EMPORIUM_LEFT_OUT_SERVICES": ""}

    assert services_banner(3, env)[0] == (
        "3 tests were SKIPPED because these services were not used: did not answer: rabbitmq."
    )
