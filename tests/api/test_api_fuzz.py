"""schemathesis against the OpenAPI schema: no generated input makes the API answer a 500."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from whoknows.config import Settings, database_url_from
from whoknows.demo.build import build_demo
from whoknows.services.store import Store
from whoknows.web.app import create_app

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    import fastapi.testclient  # noqa: F401  (the ASGI transport imports it)

TODAY = dt.date(2025, 6, 2)
EXAMPLES = 8  # per operation: bounded, the whole run takes seconds


def test_no_generated_input_makes_a_server_error(tmp_path: Path) -> None:
    config = Settings(
        database_url=database_url_from(str(tmp_path / "fuzz.db")),
        data_dir=tmp_path / "data",
        config_dir=tmp_path / "config",
    )
    with Store(config) as store:
        build_demo(store, "small", 3, today=TODAY)
    app = create_app(config, today=TODAY)
    bearer = {"Authorization": f"Bearer {app.state.access.secret}", "Host": "127.0.0.1:8000"}
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, headers=bearer)
    failures: list[str] = []
    calls: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            response = case.call(headers=bearer)
            calls.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} {case.body!r}: "
                    f"{response.status_code} {response.text[:300]}"
                )

        call()
    assert len(calls) >= 3 * len(operations), "schemathesis generated the cases"
    assert 401 not in calls, "the calls carried the secret, so the API itself answered"
    assert not failures, "\n".join(failures[:10])
