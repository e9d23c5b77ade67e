from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.factories import Cast, make_cast


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test may touch both stores (DOMAIN §6).
    for item in items:
        if "django_db" not in item.keywords and "nodb" not in item.keywords:
            item.add_marker(pytest.mark.django_db(databases="__all__"))


@pytest.fixture(autouse=True, scope="session")
def tasks_run_at_once() -> Iterator[None]:
    """Background tasks (e-mail, pattern checks) run as they are queued, inside the
    request's transaction, so a test sees their effect at once; tests/test_tasks.py runs
    them in the database and a real `bairn worker` instead."""
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture(scope="module")
def module_cast(django_db_setup: None, django_db_blocker: Any) -> Iterator[Cast]:
    """The cast, made once for a module of many small tests: it lives in a transaction
    that is rolled back after the module, and each test runs in a savepoint inside it, so
    nothing a test does reaches the next."""
    with (
        django_db_blocker.unblock(),
        transaction.atomic(using="default"),
        transaction.atomic(using="identity"),
    ):
        yield make_cast()
        transaction.set_rollback(True, using="identity")
        transaction.set_rollback(True, using="default")
