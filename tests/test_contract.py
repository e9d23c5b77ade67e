"""The contract of API.md, checked against the generated OpenAPI document.

API.md's endpoint lines ("- `VERB /api/v1/path` `{request}` → `status {response}`") are
parsed, with the fields they name; each endpoint of a section listed in
IMPLEMENTED_SECTIONS (and each of IMPLEMENTED_ENDPOINTS) must be in the OpenAPI document,
with every documented request field in its request body schema, every documented
response field in its success response schema, and every documented query parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import Cast

# The contract we implement, kept in the repository (docs/API.md) so that a clean checkout
# tests against it; the shared original beside the repository must not drift from it.
REPO = Path(__file__).resolve().parents[1]
API_MD = REPO / "docs" / "API.md"
SHARED_API_MD = REPO.parent / "shared" / "API.md"

# The sections of API.md whose every endpoint must exist. Add a section here when it is
# built.
IMPLEMENTED_SECTIONS = [
    "Plans and assessments",
    "Set-up",
    "Children and the people around them",
    "Concerns and the chronology",
    "Sharing",
    "Transparency and audit",
    "Audit log",
]
# Endpoints of other sections that already exist ("Conventions" names the token endpoint).
IMPLEMENTED_ENDPOINTS = [
    "POST /api/v1/auth/token",
]

VERBS = "GET|POST|PUT|PATCH|DELETE"
ENDPOINT = re.compile(rf"`({VERBS}) (/api/v1/[^`\s]*)`")
SAME_PATH = re.compile(rf"`({VERBS})` the same path")


# --- reading API.md ----------------------------------------------------------------------

# A documented object: field name → the fields of its value where the value is an object
# (or a list of objects), else None.
Fields = dict[str, "Fields | None"]


class _Reader:
    """Reads API.md's shorthand for JSON objects: `{"a", "b"?, "c": [...], "d": {"e"}}`.

    A member is a quoted name, perhaps followed by `?` (optional) and by `: value`; a value
    is an object, a list `[...]` of values, a quoted string, or anything else up to the
    next `,` (such as `bool` or `<the version edited>`), with `|` between alternatives.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0

    def peek(self) -> str:
        while self.i < len(self.text) and self.text[self.i].isspace():
            self.i += 1
        return self.text[self.i] if self.i < len(self.text) else ""

    def string(self) -> str:
        assert self.text[self.i] == '"', self.text[self.i :]
        end = self.text.index('"', self.i + 1)
        value = self.text[self.i + 1 : end]
        self.i = end + 1
        return value

    def raw(self) -> None:
        depth = 0
        while self.i < len(self.text):
            c = self.text[self.i]
            if c in "<([":
                depth += 1
            elif c in ">)]" and depth:
                depth -= 1
            elif c in ",}]|" and depth == 0:
                return
            self.i += 1

    def obj(self) -> Fields:
        assert self.peek() == "{", self.text[self.i :]
        self.i += 1
        members: Fields = {}
        while True:
            c = self.peek()
            if c == "}":
                self.i += 1
                return members
            if c == ",":
                self.i += 1
                continue
            if c == '"':
                name = self.string()
                sub: Fields | None = None
                if self.peek() == "?":
                    self.i += 1
                if self.peek() == ":":
                    self.i += 1
                    sub = self.value()
                members[name] = sub
            else:  # "..." and the like
                self.raw()

    def value(self) -> Fields | None:
        found: Fields | None = None
        while True:
            c = self.peek()
            if c == "{":
                sub: Fields | None = self.obj()
            elif c == "[":
                self.i += 1
                sub = self.value()
                while self.peek() not in ("]", ""):
                    self.i += 1
                    self.raw()
                self.i += 1
            elif c == '"':
                self.string()
                sub = None
            else:
                self.raw()
                sub = None
            if found is None:
                found = sub
            if self.peek() != "|":
                return found
            self.i += 1


def read_fields(text: str) -> Fields:
    return _Reader(text).obj()


@dataclass
class Documented:
    verb: str
    path: str
    section: str
    request: Fields | None = None
    status: int | None = None
    response: Fields | None = None
    query: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.verb} {self.path}"


def _section_name(heading: str) -> str:
    return heading.lstrip("#").split("(")[0].strip()


def _read_endpoint(verb: str, path: str, section: str, text: str) -> Documented:
    """`text` is what follows the endpoint on its line, up to the next endpoint."""
    path, _, query = path.partition("?")
    doc = Documented(verb, path, section)
    doc.query = [p.split("=")[0] for p in query.split("&") if p]
    mentioned = re.search(r"\(query: ([^)]*)\)", text)
    if mentioned:
        doc.query += re.findall(r"`(\w+)`", mentioned.group(1))
    before, arrow, after = text.partition("→")
    request = re.search(r"`(\{.*?\})`", before)
    if request:
        doc.request = read_fields(request.group(1))
    if arrow:
        response = re.match(r"\s*`(\d{3})\b([^`]*)`", after)
        if response:
            doc.status = int(response.group(1))
            body = response.group(2).strip()
            if body.startswith("{"):
                doc.response = read_fields(body)
    return doc


def _items() -> list[tuple[str, str]]:
    """API.md's list items, each with its section; an item's indented lines joined."""
    items: list[tuple[str, str]] = []
    section = ""
    current: list[str] | None = None
    for line in API_MD.read_text(encoding="utf-8").splitlines():
        if current is not None and line.startswith("  ") and line.strip():
            current.append(line.strip())
            continue
        if current is not None:
            items.append((section, " ".join(current)))
            current = None
        if line.startswith("## "):
            section = _section_name(line)
        elif line.startswith("- "):
            current = [line[2:].strip()]
    if current is not None:
        items.append((section, " ".join(current)))
    return items


@cache
def documented() -> tuple[Documented, ...]:
    found: list[Documented] = []
    for section, item in _items():
        matches = list(ENDPOINT.finditer(item))
        for n, m in enumerate(matches):
            end = matches[n + 1].start() if n + 1 < len(matches) else len(item)
            text = item[m.end() : end]
            doc = _read_endpoint(m.group(1), m.group(2), section, text)
            found.append(doc)
            same = SAME_PATH.search(text)
            if same:
                found.append(Documented(same.group(1), doc.path, section))
    return tuple(found)


def enforced() -> list[Documented]:
    return [
        d
        for d in documented()
        if d.section in IMPLEMENTED_SECTIONS or d.key in IMPLEMENTED_ENDPOINTS
    ]


# --- reading the OpenAPI document ---------------------------------------------------------


def normalise(path: str) -> str:
    """Path parameters compared without their names: {id} and {child_id} are alike."""
    return re.sub(r"\{[^}]*\}", "{}", path.rstrip("/"))


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")  # no token: it is public
    assert response.status_code == 200, response.content[:300]
    return response.json()


def operation(openapi: dict[str, Any], doc: Documented) -> dict[str, Any]:
    for path, operations in openapi["paths"].items():
        if normalise(path) == normalise(doc.path) and doc.verb.lower() in operations:
            return operations[doc.verb.lower()]
    raise AssertionError(f"{doc.key} (API.md, {doc.section}) is not in the OpenAPI document")


def resolve(openapi: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow $ref, and look through lists and "X or null" to the object described."""
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = openapi["components"]["schemas"][name]
        elif schema.get("type") == "array" and "items" in schema:
            schema = schema["items"]
        elif "anyOf" in schema or "oneOf" in schema or "allOf" in schema:
            options = schema.get("anyOf") or schema.get("oneOf") or schema.get("allOf")
            objects = [o for o in options if o.get("type") != "null"]
            assert len(objects) == 1, schema
            schema = objects[0]
        else:
            return schema


# A documented name that stands for any key of a map: `"<indicator>"`, `"1"` (the five
# questions), whose schema is then an object with additionalProperties.
MAP_KEY = re.compile(r"^(<[^>]+>|\d+)$")


def missing_fields(openapi: dict[str, Any], schema: dict[str, Any], fields: Fields) -> list[str]:
    """The documented fields (with the path to them) that the schema does not have."""
    resolved = resolve(openapi, schema)
    properties = resolved.get("properties", {})
    missing = []
    for name, sub in fields.items():
        if MAP_KEY.match(name):
            values = resolved.get("additionalProperties")
            if not isinstance(values, dict):
                missing.append(name)
            elif sub:
                missing += [f"{name}.{m}" for m in missing_fields(openapi, values, sub)]
            continue
        if name not in properties:
            missing.append(name)
        elif sub:
            missing += [f"{name}.{m}" for m in missing_fields(openapi, properties[name], sub)]
    return missing


def json_schema(content: dict[str, Any]) -> dict[str, Any]:
    assert "application/json" in content, content
    return content["application/json"]["schema"]


# --- the parser reads what API.md says ----------------------------------------------------


def test_api_md_is_read() -> None:
    """The sections named here are API.md's, each with endpoints; and what the brief of
    this test lists is what the parser finds (so a change to the parser, or to API.md's
    layout, cannot make the other tests check nothing)."""
    sections = {d.section for d in documented()}
    for name in IMPLEMENTED_SECTIONS:
        assert name in sections, f"no section {name!r} with endpoints in API.md"
    keys = {d.key for d in documented()}
    for key in IMPLEMENTED_ENDPOINTS:
        assert key in keys, f"{key} is not in API.md"
    by_key = {d.key: d for d in documented()}

    def request(key: str) -> set[str]:
        return set(by_key[key].request or {})

    assert request("POST /api/v1/agencies") == {"name", "kind"}
    assert request("POST /api/v1/practitioners") == {
        "username",
        "full_name",
        "agency_id",
        "roles",
        "email",
        "password",
    }
    assert request("POST /api/v1/children") == {
        "given_name",
        "family_name",
        "date_of_birth",
        "chi_number",
        "sex",
        "ethnicity",
        "religion",
        "languages",
        "address",
        "postcode",
    }
    assert request("POST /api/v1/children/match") == {
        "given_name",
        "family_name",
        "date_of_birth",
        "postcode",
        "chi_number",
    }
    assert request("POST /api/v1/children/{id}/people") == {
        "given_name",
        "family_name",
        "date_of_birth",
        "relationship",
        "parental_responsibility",
        "lives_with",
        "stays_overnight",
        "caring_role",
    }
    assert request("POST /api/v1/children/{id}/concerns") == {
        "occurred_at",
        "summary",
        "detail",
        "source",
        "indicators",
        "impact",
        "significance",
        "action_taken",
        "restricted",
        "withheld_from_family",
        "withheld_reason",
    }
    assert request("POST /api/v1/auth/token") == {"username", "password"}
    assert "GET /api/v1/children/{id}/people" in keys  # "`GET` the same path"

    chronology = by_key["GET /api/v1/children/{id}/chronology"]
    assert chronology.status == 200
    assert chronology.response == {
        "entries": dict.fromkeys(
            [
                "id",
                "occurred_at",
                "recorded_at",
                "agency_id",
                "agency_name",
                "recorded_by",
                "summary",
                "indicators",
                "impact",
                "significance",
                "source",
                "visible_because",
            ]
        )
    }
    assert set(chronology.query) == {"indicator", "from", "to", "significance"}
    assert by_key["POST /api/v1/children/match"].response == {
        "matched": None,
        "named_person": {"name": None, "agency": None, "email": None},
    }
    audit = by_key["GET /api/v1/audit"]
    assert set(audit.query) == {"child_id", "actor", "from", "to"}
    assert audit.response == {
        "events": dict.fromkeys(
            [
                "id",
                "at",
                "actor",
                "agency_id",
                "action",
                "object",
                "child_id",
                "purpose",
                "outcome",
                "reason",
            ]
        )
    }
    assert by_key["GET /api/v1/notifications"].response == {
        "notifications": dict.fromkeys(["id", "kind", "child_id", "created_at", "text"])
    }
    assert by_key["POST /api/v1/auth/token"].response == {"token": None}
    assert by_key["POST /api/v1/children/{id}/concerns"].response == {
        "id": None,
        "recorded_at": None,
        "agency_id": None,
    }


def test_the_reader_reads_the_shorthand_of_every_section() -> None:
    """Even sections not yet enforced are read without error, values are not taken for
    names, and nested objects are kept."""
    by_key = {d.key: d for d in documented()}
    isp = by_key["POST /api/v1/isps"].request or {}
    assert "lawful_basis" in isp
    assert "public_task" not in isp
    assert "consent" not in isp
    decision = by_key["POST /api/v1/share-requests/{id}/decision"].request or {}
    assert set(decision) == {"decision", "entry_ids", "reason"}
    plan = by_key["PUT /api/v1/children/{id}/plan"].request or {}
    assert "version" in plan
    assert plan["needs"] is not None
    assert "actions" in plan["needs"]
    assert plan["needs"]["actions"] == dict.fromkeys(
        ["description", "owner_id", "due_on", "status"]
    )
    assert by_key["GET /api/v1/share-requests"].query == ["status"]
    assert by_key["GET /api/v1/children/{id}/wellbeing-wheel.svg"].status == 200
    assert by_key["GET /api/v1/children/{id}/wellbeing-wheel.svg"].response is None
    assert "POST /api/v1/consents/{id}/withdraw" in by_key  # a second endpoint on a line


# --- the contract holds -------------------------------------------------------------------


@pytest.mark.parametrize("doc", enforced(), ids=lambda d: d.key)
def test_documented_endpoint_exists(openapi: dict[str, Any], doc: Documented) -> None:
    op = operation(openapi, doc)
    if doc.status is not None:
        assert str(doc.status) in op["responses"], (doc.key, sorted(op["responses"]))


@pytest.mark.parametrize("doc", [d for d in enforced() if d.request], ids=lambda d: d.key)
def test_documented_request_fields_are_in_the_request_schema(
    openapi: dict[str, Any], doc: Documented
) -> None:
    op = operation(openapi, doc)
    assert "requestBody" in op, f"{doc.key} takes no body"
    schema = json_schema(op["requestBody"]["content"])
    assert doc.request is not None
    assert missing_fields(openapi, schema, doc.request) == [], doc.key


@pytest.mark.parametrize("doc", [d for d in enforced() if d.response], ids=lambda d: d.key)
def test_documented_response_fields_are_in_the_response_schema(
    openapi: dict[str, Any], doc: Documented
) -> None:
    op = operation(openapi, doc)
    schema = json_schema(op["responses"][str(doc.status)]["content"])
    assert doc.response is not None
    assert missing_fields(openapi, schema, doc.response) == [], doc.key


@pytest.mark.parametrize("doc", [d for d in enforced() if d.query], ids=lambda d: d.key)
def test_documented_query_parameters_are_taken(openapi: dict[str, Any], doc: Documented) -> None:
    op = operation(openapi, doc)
    taken = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
    assert set(doc.query) - taken == set(), doc.key


@pytest.mark.parametrize("doc", enforced(), ids=lambda d: d.key)
def test_path_parameters_are_declared(openapi: dict[str, Any], doc: Documented) -> None:
    op = operation(openapi, doc)
    declared = [p for p in op.get("parameters", []) if p["in"] == "path"]
    assert len(declared) == doc.path.count("{"), doc.key
    assert all(p.get("required") for p in declared), declared


def test_openapi_document_needs_no_token_and_describes_bad_input(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.")
    schemas = openapi["components"]["schemas"]
    # The shape of every 400/422 answer: {"detail", "errors": [{"field", "message"}]}.
    error = schemas["ErrorOut"]["properties"]
    assert {"detail", "errors"} <= set(error)
    item = resolve(openapi, error["errors"])
    assert {"field", "message"} <= set(item["properties"])


def operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{verb.upper()} {path}", op)
        for path, verbs in openapi["paths"].items()
        for verb, op in verbs.items()
        if isinstance(op, dict) and "responses" in op
    ]


def test_every_operation_that_needs_a_token_documents_401(openapi: dict[str, Any]) -> None:
    # Issue 9: 401 was missing from the OpenAPI document.
    secured = [(name, op) for name, op in operations(openapi) if op.get("security")]
    assert len(secured) > 40
    missing = [name for name, op in secured if "401" not in op["responses"]]
    assert missing == []
    for _, op in secured:
        answer = op["responses"]["401"]
        assert answer["description"]
        assert resolve(openapi, answer["content"]["application/json"]["schema"])["properties"][
            "detail"
        ]
    public = {name for name, op in operations(openapi) if not op.get("security")}
    assert "POST /api/v1/auth/token" in public


def test_every_operation_with_a_body_documents_415(openapi: dict[str, Any]) -> None:
    with_body = [(name, op) for name, op in operations(openapi) if "requestBody" in op]
    assert with_body
    assert [name for name, op in with_body if "415" not in op["responses"]] == []


def test_the_document_says_how_to_send_a_fresh_two_factor_code(openapi: dict[str, Any]) -> None:
    description = openapi["info"]["description"]
    assert "X-Bairn-OTP" in description
    assert '"otp"' in description
    body = resolve(
        openapi,
        openapi["paths"]["/api/v1/children/{child_id}/involvement"]["post"]["requestBody"][
            "content"
        ]["application/json"]["schema"],
    )
    assert "otp" in body["properties"]


def test_docs_page_is_html() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/v1/openapi.json" in response.content


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/nothing-here", 404),
        ("get", "/api/v1/children/00000000-0000-4000-8000-000000000000/", 404),
        ("delete", "/api/v1/children/00000000-0000-4000-8000-000000000000", 405),
        ("patch", "/api/v1/children/00000000-0000-4000-8000-000000000000/plan", 405),
    ],
)
def test_answers_no_endpoint_gave_are_json_too(
    cast: Cast, method: str, path: str, status: int
) -> None:
    """A path no route matches, or a verb a route does not take: JSON, never a web page."""
    api = cast.api("head_teacher")
    response = getattr(api.client, method)(path, headers=api._headers())
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] in ("Not found.", "Method not allowed.")
    if status == 405:
        assert response.has_header("Allow")
    # The pages keep their own error page.
    page = Client().get("/no-such-page")
    assert page.status_code in (302, 404)
    assert not page["Content-Type"].startswith("application/json")


def test_the_kept_contract_is_the_shared_one() -> None:
    """Where the shared contract sits beside this checkout, docs/API.md is a true copy."""
    if SHARED_API_MD.exists():
        assert API_MD.read_text(encoding="utf-8") == SHARED_API_MD.read_text(encoding="utf-8"), (
            "docs/API.md differs from ../shared/API.md: copy the shared contract in"
        )
