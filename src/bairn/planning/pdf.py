"""The Child's Plan as a PDF for meetings, with the contents the Child's Plan (Scotland)
Order 2016 lists (practice-model.md), drawn with reportlab."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, PropertySet, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bairn.agencies.models import Practitioner
from bairn.people.models import Child, ChildRelationship
from bairn.reference import Indicator


def _p(text: str, style: PropertySet) -> Paragraph:
    return Paragraph(escape(text or "—").replace("\n", "<br/>"), style)


def _date(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d %B %Y}".lstrip("0")


def plan_pdf(
    child: Child,
    content: dict[str, Any],
    *,
    version: int,
    saved_at: str,
    named_person: Practitioner | None,
    lead: Practitioner | None,
    parents: list[ChildRelationship],
) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    h1, h2 = styles["Title"], styles["Heading2"]
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Child's Plan: {child.given_name} {child.family_name}",
        author="Bairn",
        subject="Child's Plan",
    )
    name = f"{child.given_name} {child.family_name}"
    story: list[Any] = [
        _p(f"Child's Plan — {name}", h1),
        _p(
            f"Version {version}, saved {saved_at}. Printed "
            f"{timezone.localtime():%d %B %Y %H:%M}. OFFICIAL-SENSITIVE: handle under the "
            "information sharing protocols.",
            small,
        ),
        Spacer(1, 4 * mm),
    ]

    def contact(p: Practitioner | None) -> str:
        if p is None:
            return "not assigned"
        agency = p.agency.name if p.agency else ""
        return ", ".join(x for x in (p.display_name, agency, p.email, p.phone) if x)

    facts = [
        ["Date of birth", _date(child.date_of_birth.isoformat())],
        ["Address", " ".join([child.address, child.postcode]).strip() or "—"],
        ["CHI number", child.chi_number or "—"],
        [
            "Parents and carers with parental responsibility",
            "; ".join(f"{r.person} ({r.get_relationship_display()})" for r in parents) or "—",
        ],
        ["Named Person", contact(named_person)],
        ["Lead Professional", contact(lead)],
        ["Review date", _date(content["review_date"])],
    ]
    table = Table([[_p(a, body), _p(b, body)] for a, b in facts], colWidths=[55 * mm, 119 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]
    story += [_p("Why this plan was made", h2), _p(content["reason_for_plan"], body)]
    story += [_p("Wellbeing needs and actions", h2)]
    for n, need in enumerate(content["needs"], start=1):
        indicators = ", ".join(str(Indicator(i).label) for i in need["indicators"])
        story += [
            _p(f"Need {n} ({indicators}): {need['description']}", styles["Heading3"]),
            _p(f"Outcome sought: {need['outcome']}", body),
            _p(f"How it will be evidenced: {need['evidence']}", body),
        ]
        rows = [[_p(h, small) for h in ("Action", "Responsible", "Service", "By", "Status")]]
        for action in need["actions"]:
            rows.append(
                [
                    _p(action["description"], small),
                    _p(action["owner"], small),
                    _p(action["agency"], small),
                    _p(_date(action["due_on"]), small),
                    _p(action["status"].replace("_", " "), small),
                ]
            )
        actions = Table(rows, colWidths=[70 * mm, 30 * mm, 38 * mm, 20 * mm, 16 * mm])
        actions.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [actions, Spacer(1, 3 * mm)]
    story += [
        _p("The child's views", h2),
        _p(content["child_views"], body),
        _p("The family's views", h2),
        _p(content["family_views"], body),
        _p("Contingency", h2),
        _p(content.get("contingency") or "", body),
    ]
    doc.build(story)
    return buffer.getvalue()


def response(body: bytes) -> HttpResponse:
    """The PDF as the API and the pages send it: a download, never kept in a cache, and
    without the child's name in the file name (it ends up in download folders and logs)."""
    sent = HttpResponse(body, content_type="application/pdf")
    sent["Content-Disposition"] = 'attachment; filename="childs-plan.pdf"'
    sent["Cache-Control"] = "no-store"
    return sent
