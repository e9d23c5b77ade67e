"""Structural guarantees (STYLE.md): every route declares its policy; the two stores
stay apart."""

from __future__ import annotations

from django.apps import apps
from django.db import connections
from django.urls import URLPattern, URLResolver, get_resolver

from bairn.access.declare import PUBLIC, declared_policy
from bairn.access.policy import Action
from bairn.api.main import api

KNOWN = {a.value for a in Action} | {PUBLIC}


def _ninja_operations() -> list[tuple[str, str, object]]:
    found = []
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    found.append((method, prefix + path, operation.view_func))
    return found


def test_every_api_route_declares_a_policy() -> None:
    operations = _ninja_operations()
    assert len(operations) >= 20
    missing = [f"{m} {p}" for m, p, view in operations if declared_policy(view) is None]
    assert missing == []
    unknown = [
        f"{m} {p}: {declared_policy(v)}"
        for m, p, v in operations
        if declared_policy(v) not in KNOWN
    ]
    assert unknown == []


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if "api/v1" in prefix + str(entry.pattern):
                continue  # ninja's routes, checked above
            out += _walk(entry.url_patterns, prefix + str(entry.pattern))
        else:
            out.append((prefix + str(entry.pattern), entry.callback))
    return out


def test_every_page_declares_a_policy() -> None:
    pages = [(p, v) for p, v in _walk(get_resolver().url_patterns) if not p.startswith("static")]
    assert pages
    missing = [p for p, view in pages if declared_policy(view) is None]
    assert missing == []


def test_the_identity_store_holds_people_and_nothing_else() -> None:
    identity_tables = set(connections["identity"].introspection.table_names())
    main_tables = set(connections["default"].introspection.table_names())
    people = {m._meta.db_table for m in apps.get_app_config("people").get_models()}
    assert people <= identity_tables
    assert not people & main_tables
    assert not {t for t in identity_tables if t.startswith(("agencies_", "chronology_", "audit_"))}


def test_no_relation_crosses_the_stores() -> None:
    identity_models = set(apps.get_app_config("people").get_models())
    for model in apps.get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if related is None or not getattr(field, "concrete", False):
                continue
            assert (model in identity_models) == (related in identity_models), (
                f"{model.__name__}.{field.name} crosses the stores"
            )


def test_no_model_change_lacks_its_migration() -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
