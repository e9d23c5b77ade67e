"""Structural guarantees (STYLE.md): every route declares its policy and where its
record comes from, and the declaration is what runs; the two stores stay apart."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.db import connections
from django.urls import URLPattern, URLResolver, get_resolver

import bairn
from bairn.access import lookup
from bairn.access.declare import PUBLIC, declaration_of, declared_policy
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


# The URL parameters that name a child or a record about one, and the lookups that
# resolve them.
RECORD_PARAMETERS = {
    "child_id": lookup.CHILD,
    "concern_id": lookup.ENTRY,
    "consent_id": lookup.CONSENT,
    "request_id": lookup.SHARE_REQUEST,
    "assessment_id": lookup.ASSESSMENT,
    "disclosure_id": lookup.DISCLOSURE,
}
# Records that are not a child's (an ISP, one's own notification) or that information
# governance reviews by id whatever the child (the review queue).
NOT_A_CHILDS = ("isp_id", "notification_id", "involvement_id", "review-queue")


def _routes() -> list[tuple[str, object]]:
    api_routes = [(f"{m} {p}", v) for m, p, v in _ninja_operations()]
    pages = [(p, v) for p, v in _walk(get_resolver().url_patterns) if not p.startswith("static")]
    return api_routes + pages


def _expected_lookup(path: str) -> lookup.Lookup | None:
    if any(name in path for name in NOT_A_CHILDS):
        return None
    named = [found for name, found in RECORD_PARAMETERS.items() if name in path]
    return named[0] if named else None


def test_every_route_says_where_its_record_comes_from() -> None:
    """A route reaches a child's data only through its declared lookup: one whose URL
    names a child or a record about one looks that up (a child in the body is looked up
    by the service once the body is valid, and the route may reach that child only)."""
    wrong = []
    for path, view in _routes():
        declared = declaration_of(view)
        assert declared is not None, path
        if declared.action == PUBLIC:
            continue
        if declared.lookup is None:
            wrong.append(f"{path}: no lookup")
            continue
        expected = _expected_lookup(path)
        if expected is not None and declared.lookup is not expected:
            wrong.append(f"{path}: {declared.lookup.name}, expected {expected.name}")
        if expected is None and declared.lookup in (lookup.CHILD, lookup.ENTRY):
            wrong.append(f"{path}: {declared.lookup.name} lookup without an id in the path")
    assert wrong == []


def test_a_page_whose_url_names_a_child_declares_the_child_lookup() -> None:
    """The page table and the API table both rely on this: a URL naming two records
    (a child and their consent) looks up the child; the service must then find the
    consent *of that child*, or the route answers not found."""
    for path, view in _routes():
        declared = declaration_of(view)
        if declared is not None and "child_id" in path and declared.action != PUBLIC:
            assert declared.lookup is lookup.CHILD, path


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


# What only a module's queries and services may do: reach the ORM's managers or the
# database directly (DEVELOPERS.md: reads in `<app>/queries.py`, writes in services).
ORM_REACH = (".objects", "._default_manager", ".raw(", "connection.cursor")


def _orm_reach(root: Path, packages: tuple[str, ...] = ("web", "api")) -> list[str]:
    """Each line of a page or router module (management commands aside, and the web
    app's own queries and services, which keep its drafts) that reaches the ORM itself,
    as `file:line: text`."""
    found = []
    for package in packages:
        for module in sorted((root / package).rglob("*.py")):
            relative = module.relative_to(root)
            if "management" in relative.parts or relative.name in ("queries.py", "services.py"):
                continue
            for number, line in enumerate(module.read_text().splitlines(), 1):
                if any(reach in line for reach in ORM_REACH):
                    found.append(f"src/bairn/{relative.as_posix()}:{number}: {line.strip()}")
    return found


def test_views_and_routers_make_no_orm_queries_of_their_own() -> None:
    """A page or an API route reads through `<app>/queries.py` and writes through
    `<app>/services.py`, which go through the policy: never `Model.objects` itself."""
    found = _orm_reach(Path(bairn.__file__).parent)
    assert not found, "views and routers reach the ORM:\n" + "\n".join(found)


def test_the_orm_check_names_each_offending_line(tmp_path: Path) -> None:
    (tmp_path / "web" / "views").mkdir(parents=True)
    (tmp_path / "web" / "management" / "commands").mkdir(parents=True)
    (tmp_path / "api").mkdir()
    (tmp_path / "web" / "views" / "page.py").write_text(
        "def view(child_id):\n    return Child.objects.get(pk=child_id)\n"
    )
    (tmp_path / "api" / "route.py").write_text(
        "from django.db import connection\n\nwith connection.cursor() as c:\n    pass\n"
        "Child._default_manager.all()\nChild.things.raw('select 1')\n"
    )
    (tmp_path / "web" / "management" / "commands" / "tool.py").write_text("Child.objects.all()\n")
    (tmp_path / "web" / "queries.py").write_text("Draft.objects.all()\n")
    assert [f.split(": ")[0] for f in _orm_reach(tmp_path)] == [
        "src/bairn/web/views/page.py:2",
        "src/bairn/api/route.py:3",
        "src/bairn/api/route.py:5",
        "src/bairn/api/route.py:6",
    ]
