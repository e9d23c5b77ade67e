"""Property fuzzing from the OpenAPI document (schemathesis): whatever a caller sends,
the answer is never a server error. Deterministic, so CI gets the same cases each run."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from bairn.wsgi import application
from tests.factories import Cast, concern

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_connections() -> Iterator[None]:
    """Requests go straight to the WSGI application here, not through Django's test client,
    so, like the test client, keep Django from closing the test transaction's connection
    at the end of each request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_a_server_error(case: Any, cast: Cast, keep_connections: None) -> None:
    # Most generated ids would be simply "not found": aim half the cases at real records so
    # that bodies and queries reach the services.
    real = {
        "child_id": str(cast.leeann.pk),
        "concern_id": str(getattr(cast, "_entry", None) or _entry(cast)),
    }
    if case.path_parameters and zlib.crc32(repr(case.body).encode()) % 2 == 0:
        for name in case.path_parameters:
            if name in real:
                case.path_parameters[name] = real[name]
    token = cast.api("head_teacher").token
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])


def _entry(cast: Cast) -> str:
    entry = concern(cast.head_teacher, cast.leeann, "Fuzz target")
    cast._entry = str(entry.pk)  # type: ignore[attr-defined]
    return cast._entry  # type: ignore[attr-defined]
