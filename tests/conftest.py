from __future__ import annotations

import pytest

from tests.factories import Cast, make_cast


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test may touch both stores (DOMAIN §6).
    for item in items:
        if "django_db" not in item.keywords and "nodb" not in item.keywords:
            item.add_marker(pytest.mark.django_db(databases="__all__"))


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()
