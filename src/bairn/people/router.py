"""Keeps the identity store apart (DOMAIN §6): the `people` app lives in the `identity`
database and nothing else does. No relation may cross the two stores."""

from __future__ import annotations

from typing import Any

IDENTITY_APPS = frozenset({"people"})
IDENTITY_DB = "identity"


class IdentityRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return IDENTITY_DB if model._meta.app_label in IDENTITY_APPS else "default"

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return self.db_for_read(model)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        one = obj1._meta.app_label in IDENTITY_APPS
        two = obj2._meta.app_label in IDENTITY_APPS
        return one == two

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        if app_label in IDENTITY_APPS:
            return db == IDENTITY_DB
        return db != IDENTITY_DB
