"""The information governance pages (DOMAIN §4.4, §4.7–4.9): the overview, the audit
viewer, the review queue and a family's transparency report — for information
governance only, with the same answers as the API for everyone else."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

from django.test import Client

from bairn.access.actions import AuditAction
from bairn.agencies.models import Involvement
from bairn.agencies.services import break_glass, involve
from bairn.audit import services as audit
from bairn.audit.models import AuditEvent
from bairn.people import services as people
from bairn.sharing import services as sharing
from bairn.sharing.models import Disclosure
from tests.factories import LEEANN_DOB, TRENT_DOB, Cast, concern, practitioner
from tests.test_components import assert_wired
from tests.web import web_client

GOVERNANCE = "/governance"
AUDIT = "/governance/audit"
REVIEW = "/governance/review"


def transparency_url(child_id: object) -> str:
    return f"/governance/children/{child_id}/transparency"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def page(client: Client, url: str, status: int = 200, **params: Any) -> str:
    response = client.get(url, params)
    assert response.status_code == status, (url, response.status_code)
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    # No child's name in a title (base.html): titles stay in history and task bars.
    assert "Leeann" not in title.group(1)
    assert "Trent" not in title.group(1)
    assert "Cairns" not in title.group(1)
    assert_wired(html)
    return html


def rows(html: str) -> list[str]:
    """The text of each row of the page's tables' bodies."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return [text_of(r) for body in bodies for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def part(html: str, section_id: str) -> str:
    """One section of a page, by its id."""
    found = re.search(rf'<section[^>]*id="{section_id}"[^>]*>(.*?)</section>', html, re.S)
    assert found is not None, section_id
    return found.group(1)


def cp_disclosure(cast: Cast, **extra: Any) -> Disclosure:
    """The head teacher, a senior, shares with the police to protect Leeann: without the
    family's agreement and without an ISP, so it waits for review (DOMAIN §4.4)."""
    made = sharing.disclose(
        cast.head_teacher,
        cast.leeann.pk,
        recipient_agency_id=extra.pop("recipient", cast.police).pk,
        purpose="child_protection",
        categories=["chronology"],
        justification=extra.pop("justification", "Bruising on both wrists; risk of harm"),
        **extra,
    )
    assert isinstance(made, Disclosure)  # a senior shares at once, unauthorised by another
    return made


# --- who may see the pages -------------------------------------------------------------------


def test_each_page_answers_information_governance(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann)
    ig = web_client(cast.ig_school)
    overview = page(ig, GOVERNANCE)
    # The log's state, as the transparency log (issue 10, items 1-5) words it.
    assert "The audit log holds." in text_of(overview)
    assert 'href="/governance/audit"' in overview
    assert 'href="/governance/review"' in overview
    assert "Nothing is waiting for review." in overview
    page(ig, AUDIT)
    page(ig, REVIEW)
    page(ig, transparency_url(cast.leeann.pk))


def test_others_are_refused_with_the_reason(cast: Cast) -> None:
    head = web_client(cast.head_teacher)
    for url, reason in [
        (AUDIT, "only information governance may read the audit"),
        (REVIEW, "only information governance may review"),
        (GOVERNANCE, "only information governance may review"),
        # Leeann's Named Person is involved, but the report is not hers to prepare.
        (transparency_url(cast.leeann.pk), "only information governance of an agency"),
    ]:
        html = page(head, url, 403)
        assert reason in html, url
    charlie = web_client(cast.charlie)
    assert "only information governance may read the audit" in page(charlie, AUDIT, 403)
    page(charlie, REVIEW, 403)
    # A child the outsider has nothing to do with is not found, not forbidden.
    page(charlie, transparency_url(cast.leeann.pk), 404)
    refused = AuditEvent.objects.filter(actor="ross", action="audit.read", outcome="refused")
    assert refused.exists()


def test_a_report_about_a_child_the_agency_holds_nothing_about_is_not_found(cast: Cast) -> None:
    # Trent's record was made by health; the school knows nothing of him.
    page(web_client(cast.ig_school), transparency_url(cast.trent.pk), 404)
    # And the health visiting team knows nothing of Leeann.
    page(web_client(cast.ig_health), transparency_url(cast.leeann.pk), 404)
    page(web_client(cast.ig_school), transparency_url(uuid.uuid4()), 404)


def test_signing_in_is_required(cast: Cast) -> None:
    for url in (GOVERNANCE, AUDIT, REVIEW, transparency_url(cast.leeann.pk)):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"] == "/sign-in"


# --- the audit viewer (DOMAIN §4.7) ------------------------------------------------------------


def housing_ig(cast: Cast) -> Client:
    """The information governance lead of Charlie's agency."""
    lead = practitioner(
        cast.admin, "ig_housing", "Pat Reid", cast.housing, "information_governance"
    )
    return web_client(lead)


def test_the_audit_shows_a_break_glass_to_the_agency_of_who_broke_it(cast: Cast) -> None:
    """Charlie's agency answers for what he does (issue 9): its lead reads the event, the
    school's does not, though it works with Leeann; the reason he gave stays with the
    involvement (for the review), not in the audit. The event reads as a sentence, with
    names, not usernames and codes (issue 10)."""
    break_glass(cast.charlie, cast.leeann.pk, "Police at the door tonight, children alone")
    html = page(housing_ig(cast), AUDIT)
    (row,) = [r for r in rows(html) if "emergency access (break glass)" in r]
    assert (
        "Charlie Outsider used emergency access (break glass) to open the record of "
        "Leeann Cairns" in row
    )
    assert "Practitioner, Council Housing" in row
    assert "charlie" not in row
    assert "involvement.break_glass" not in row
    assert "Police at the door tonight" not in row
    assert "Break glass" in row
    assert str(cast.leeann.pk) in row
    # Housing's IG is not involved with Leeann: her id, but no link to her record.
    assert f'href="/children/{cast.leeann.pk}"' not in html
    assert f"/governance/audit?child={cast.leeann.pk}" in html
    # Charlie is neither the school's nor health's: not their audit.
    for other in (page(web_client(cast.ig_school), AUDIT), page(web_client(cast.ig_health), AUDIT)):
        assert not [r for r in rows(other) if "break glass" in r]
        assert "Charlie" not in text_of(other)


def test_the_child_links_to_the_record_only_for_a_viewer_who_may_open_it(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann)
    involve(
        cast.ig_school,
        cast.leeann.pk,
        Involvement.Basis.SHARE_REQUEST,
        reason="deciding a request",
        by=cast.head_teacher,
    )
    html = page(web_client(cast.ig_school), AUDIT)
    assert f'href="/children/{cast.leeann.pk}"' in html


def test_a_refused_read_shows_as_refused(cast: Cast) -> None:
    # The outsider tries Leeann's record: not found for him, refused in the audit.
    assert web_client(cast.charlie).get(f"/children/{cast.leeann.pk}").status_code == 404
    ig = housing_ig(cast)  # his agency's lead answers for him
    html = page(ig, AUDIT, outcome="refused")
    found = rows(html)
    assert found
    assert all("Refused" in r and "Allowed" not in r for r in found)
    (attempt,) = [r for r in found if "Charlie Outsider" in r]
    # Housing knows nothing of Leeann: the sentence does not name her, her reference does.
    assert "Charlie Outsider was refused the record of a child" in attempt
    assert "Leeann" not in attempt
    assert str(cast.leeann.pk) in attempt
    assert "not involved with this child" in attempt
    assert 'class="ds_tag ds_tag--red">Refused' in html


def test_filters_narrow_the_rows(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann)
    people.get_child(cast.head_teacher, cast.leeann.pk)
    break_glass(cast.charlie, cast.leeann.pk, "Police at the door tonight, children alone")
    ig = web_client(cast.ig_school)
    everything = rows(page(ig, AUDIT))
    by_ross = rows(page(ig, AUDIT, actor="ross"))
    assert by_ross
    assert len(by_ross) < len(everything)
    assert all(" Elaine Ross " in r for r in by_ross), by_ross
    assert rows(page(ig, AUDIT, actor="charlie")) == []  # not the school's to read
    reads = rows(page(ig, AUDIT, action="child.read"))
    assert reads
    assert all("read the record of Leeann Cairns" in r for r in reads)
    assert len(reads) < len(everything)
    about_leeann = rows(page(ig, AUDIT, child=str(cast.leeann.pk)))
    assert about_leeann
    assert all(str(cast.leeann.pk) in r for r in about_leeann)
    assert any(str(cast.leeann.pk) not in r for r in everything)  # the IG's own reads
    # A period after today: nothing.
    assert rows(page(ig, AUDIT, date_from="01/01/2999")) == []
    assert "No events match these filters." in page(ig, AUDIT, date_from="01/01/2999")
    today = rows(page(ig, AUDIT, date_from="01/01/2000", date_to="31/12/2998"))
    assert today


def test_filters_that_make_no_sense_are_explained(cast: Cast) -> None:
    ig = web_client(cast.ig_school)
    html = page(ig, AUDIT, date_from="02/01/2026", date_to="01/01/2026")
    assert "ds_error-summary" in html
    assert "The end of the period must not be before its start." in html
    assert rows(html) == []
    html = page(ig, AUDIT, child="Leeann Cairns")
    assert "ds_error-summary" in html
    assert page(ig, AUDIT, action="not.an.action").count("ds_error-summary__list") == 1
    # Still the policy's answer for anyone else.
    page(web_client(cast.head_teacher), AUDIT, 403, child="nonsense")


def test_the_audit_is_paged_newest_first(cast: Cast) -> None:
    for _ in range(105):
        people.get_child(cast.head_teacher, cast.leeann.pk)
    ig = web_client(cast.ig_school)
    first = page(ig, AUDIT, action="child.read")
    assert len(rows(first)) == 100
    assert 'aria-label="Older events"' in first
    assert 'aria-label="Newest events"' not in first
    assert "action=child.read" in first
    older = re.search(r'href="\?[^"]*older=([^"&]+)', first)
    assert older is not None
    second = page(ig, AUDIT, action="child.read", older=older.group(1))
    assert len(rows(second)) == 5
    assert 'aria-label="Newest events"' in second
    assert 'aria-label="Older events"' not in second
    # Newest first, across the pages.
    numbers = [int(r.split(" ")[0].lstrip("#")) for r in rows(first) + rows(second)]
    assert numbers == sorted(numbers, reverse=True)
    assert len(set(numbers)) == 105


def test_reading_the_audit_is_itself_audited(cast: Cast) -> None:
    page(web_client(cast.ig_school), AUDIT)
    assert AuditEvent.objects.filter(actor="ig_school", action="audit.read").exists()


# --- the review queue (DOMAIN §4.4, §4.9) -------------------------------------------------------


def test_a_child_protection_disclosure_waits_for_review_until_reviewed(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann, "Bruising on both wrists", significance="high")
    disclosure = cp_disclosure(cast)
    assert disclosure.review == Disclosure.Review.PENDING
    ig = web_client(cast.ig_school)
    overview = text_of(page(ig, GOVERNANCE))
    assert "1 child protection disclosure made without the family's agreement" in overview
    html = page(ig, REVIEW)
    queue = text_of(html)
    assert f"To {cast.police.name}" in queue
    assert "Elaine Ross" in queue
    assert "Bruising on both wrists; risk of harm" in queue
    assert transparency_url(cast.leeann.pk) in html
    assert "No child protection disclosure is waiting for review." not in queue
    # Only information governance reviews.
    form = {"kind": "disclosure", "item": str(disclosure.pk), "notes": "Justified"}
    assert web_client(cast.head_teacher).post(REVIEW, form).status_code == 403
    # Notes are required.
    response = ig.post(REVIEW, {**form, "notes": "  "})
    assert response.status_code == 200
    assert "Record what the review found." in response.content.decode()
    assert f'href="#review-{disclosure.pk}-notes"' in response.content.decode()
    assert_wired(response.content.decode())
    disclosure.refresh_from_db()
    assert disclosure.review == Disclosure.Review.PENDING
    # Reviewed: gone from the queue, and audited.
    notes = "Justified: risk of significant harm; IRD held the same day"
    response = ig.post(REVIEW, {**form, "notes": notes})
    assert response.status_code == 302
    assert response["Location"] == REVIEW
    after = page(ig, REVIEW)
    assert "No child protection disclosure is waiting for review." in after
    assert "The review of the disclosure is recorded." in after
    disclosure.refresh_from_db()
    assert disclosure.review == Disclosure.Review.REVIEWED
    assert disclosure.reviewed_by_id == cast.ig_school.pk
    event = AuditEvent.objects.get(action="review", object=f"disclosure:{disclosure.pk}")
    assert event.actor == "ig_school"
    assert event.outcome == "allowed"
    # The notes stay with the disclosure: the audit names it by id (issue 9).
    assert notes not in event.reason
    assert disclosure.review_notes == notes
    # Reviewed once: a second post says so, and changes nothing.
    again = ig.post(REVIEW, {**form, "notes": "twice"})
    assert again.status_code == 302
    assert AuditEvent.objects.filter(action="review", outcome="allowed").count() == 1


def test_another_agencys_ig_does_not_see_or_review_it(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann, "Bruising on both wrists", significance="high")
    disclosure = cp_disclosure(cast)
    health = web_client(cast.ig_health)
    assert "Bruising on both wrists" not in page(health, REVIEW)
    response = health.post(
        REVIEW, {"kind": "disclosure", "item": str(disclosure.pk), "notes": "Not ours"}
    )
    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert disclosure.review == Disclosure.Review.PENDING


def test_a_break_glass_by_the_agencys_people_is_reviewed_too(cast: Cast) -> None:
    # The class teacher opens Trent's record in an emergency: the school's IG reviews it.
    involvement = break_glass(cast.class_teacher, cast.trent.pk, "Trent left at the school gate")
    ig = web_client(cast.ig_school)
    html = page(ig, REVIEW)
    assert "Tom Baird" in html
    assert "Trent left at the school gate" in html
    assert "Trent" not in re.sub(r"Trent left at the school gate", "", text_of(html))
    response = ig.post(
        REVIEW,
        {"kind": "break_glass", "item": str(involvement.pk), "notes": "Justified emergency"},
    )
    assert response.status_code == 302
    assert "No emergency access is waiting for review." in page(ig, REVIEW)
    assert AuditEvent.objects.filter(
        action="review", object=f"involvement:{involvement.pk}", actor="ig_school"
    ).exists()


# --- the transparency report (DOMAIN §4.8) -----------------------------------------------------


def test_the_report_never_shows_a_withheld_entry_nor_the_people_around_the_child(
    cast: Cast,
) -> None:
    people.add_person(
        cast.head_teacher,
        cast.leeann.pk,
        relationship="mother",
        parental_responsibility=True,
        lives_with=True,
        stays_overnight=True,
        given_name="Corinne",
        family_name="Cairns",
    )
    concern(
        cast.class_teacher,
        cast.leeann,
        "Collected from school by Corinne, upset",
        detail="Steve shouted at the gate",
        action_taken="Phoned Corinne to check all was well",
    )
    concern(
        cast.head_teacher,
        cast.leeann,
        "Disclosure about the cold bath",
        significance="child_protection",
        indicators=("safe",),
        withheld_from_family=True,
        withheld_reason="Telling the household would put Leeann at risk",
    )
    cp_disclosure(cast)
    cp_disclosure(
        cast,
        recipient=cast.social_work,
        justification="Referral to social work",
        family_not_informed_reason="Telling the family would put Leeann at risk",
    )
    html = page(web_client(cast.ig_school), transparency_url(cast.leeann.pk))
    text = text_of(html)
    assert "Collected from school by [another person], upset" in text
    assert "Phoned [another person] to check all was well" in text
    assert "Corinne" not in text
    assert "Steve shouted" not in text  # an entry's detail is never in the report
    assert "cold bath" not in text
    assert "Telling the household" not in text
    # What is held back is counted for information governance, labelled as not for the
    # family, and nowhere in the part that is (DOMAIN §4.8).
    ig_part = text_of(part(html, "not-for-the-family-part"))
    assert "not for the family" in ig_part
    assert f"1 of {cast.school.name}'s entries is held back" in ig_part
    assert "1 disclosure is held back" in ig_part
    family = text_of(part(html, "report-for-the-family"))
    for hint in ("withheld", "held back", "not shown", "not listed", "1 entry", "1 disclosure"):
        assert hint not in family, hint
    # The disclosures: one listed with its basis, one the family is not to be told of.
    assert cast.police.name in family
    assert "Child protection" in family
    assert "Public task (Article 6(1)(e))" in family
    assert "Chronology (concerns)" in family
    assert "Referral to social work" not in text
    assert cast.social_work.name not in text
    # Held by: the school, counting only what the family may be told of.
    assert [r for r in rows(html) if r.startswith(cast.school.name)] == [f"{cast.school.name} 1"]
    assert AuditEvent.objects.filter(
        actor="ig_school", action="transparency.read", child_id=str(cast.leeann.pk)
    ).exists()


def test_the_report_is_found_by_the_childs_details_sent_in_a_post(cast: Cast) -> None:
    concern(cast.head_teacher, cast.leeann)
    ig = web_client(cast.ig_school)
    details = {
        "given_name": "leeann",
        "family_name": "CAIRNS",
        "date_of_birth": LEEANN_DOB.strftime("%d/%m/%Y"),
        "postcode": "ky1 2ab",
    }
    response = ig.post(GOVERNANCE, details)
    assert response.status_code == 302
    assert response["Location"] == transparency_url(cast.leeann.pk)
    assert "?" not in response["Location"]
    # The search was audited.
    assert AuditEvent.objects.filter(
        actor="ig_school", action="child.match", child_id=str(cast.leeann.pk)
    ).exists()
    # A child the school holds nothing about: the same answer as no child at all.
    unknown = "Your agency holds no records about a child with these details."
    for asked in (
        {**details, "given_name": "Trent", "date_of_birth": TRENT_DOB.strftime("%d/%m/%Y")},
        {**details, "given_name": "Nobody"},
    ):
        response = ig.post(GOVERNANCE, asked)
        assert response.status_code == 200
        html = response.content.decode()
        assert unknown in html
        assert str(cast.trent.pk) not in html
        assert_wired(html)
    # The details are checked as the Named Person search checks them.
    response = ig.post(GOVERNANCE, {**details, "postcode": ""})
    assert response.status_code == 200
    assert "Give the postcode or the CHI number as well." in response.content.decode()
    # Only information governance.
    assert web_client(cast.head_teacher).post(GOVERNANCE, details).status_code == 403


def test_the_report_shows_the_agencys_own_entries_and_of_others_only_that_they_hold(
    cast: Cast,
) -> None:
    """Issue 9: information governance prepares its own agency's part; only the family's
    own view brings every agency's entries together."""
    involve(cast.police_officer, cast.leeann.pk, Involvement.Basis.TEAM_MEMBER)
    concern(cast.class_teacher, cast.leeann, "Arrived hungry")
    concern(cast.police_officer, cast.leeann, "Police called to the flat")
    concern(cast.police_officer, cast.leeann, "Police called again")
    concern(cast.police_officer, cast.leeann, "Intelligence report", restricted=True)
    html = page(web_client(cast.ig_school), transparency_url(cast.leeann.pk))
    text = text_of(html)
    assert "Arrived hungry" in text
    assert "Police called" not in text
    assert "Intelligence" not in text
    held = rows(part(html, "report-for-the-family"))
    assert f"{cast.school.name} 1" in held
    assert f"{cast.police.name} Holds records: ask {cast.police.name}" in held
    # The police's restricted entry is the police's to count, not the school's.
    assert f"None of {cast.school.name}'s entries is held back" in text


# --- the audit as CSV, for an information governance search (issue 10) ---------------------

AUDIT_CSV = "/governance/audit.csv"


def csv_rows(response: Any) -> list[dict[str, str]]:
    import csv
    import io

    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_viewer_offers_its_events_as_csv_with_the_same_filters(cast: Cast) -> None:
    people.get_child(cast.head_teacher, cast.leeann.pk)
    ig = web_client(cast.ig_school)
    html = page(ig, AUDIT, outcome="allowed", child=str(cast.leeann.pk))
    link = re.search(
        r'<a href="([^"]*audit\.csv[^"]*)"[^>]*>Download these events \(CSV\)</a>', html
    )
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert "outcome=allowed" in href
    assert f"child={cast.leeann.pk}" in href
    shown = [int(r.split(" ")[0].lstrip("#")) for r in rows(html)]
    response = ig.get(href)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="bairn-audit-\d{4}-\d{2}-\d{2}-\d{4}\.csv"',
        response["Content-Disposition"],
    )
    exported = csv_rows(response)
    # The same query: the same events, newest first.
    assert [int(r["Event"]) for r in exported] == shown
    assert list(exported[0]) == [
        "Event",
        "Date and time (UTC)",
        "Who",
        "Role",
        "Agency",
        "Action",
        "Child reference",
        "Child",
        "Purpose",
        "Outcome",
        "Reason",
        "Flagged",
    ]
    read = next(r for r in exported if r["Action"] == "read the record of")
    assert read["Who"] == "Elaine Ross"
    assert read["Agency"] == cast.school.name
    assert "Named Person" in read["Role"]
    assert read["Child reference"] == str(cast.leeann.pk)
    assert read["Child"] == "Leeann Cairns"
    assert read["Outcome"] == "Allowed"
    assert "named_person" not in read["Reason"]
    assert "Named Person" in read["Reason"]
    event = AuditEvent.objects.get(seq=int(read["Event"]))
    assert read["Date and time (UTC)"] == event.at.astimezone(dt.UTC).isoformat(timespec="seconds")
    assert read["Date and time (UTC)"].endswith("+00:00")


def test_the_csv_names_a_child_only_where_the_viewer_shows_them(cast: Cast) -> None:
    # The outsider tries Leeann's record; his agency's lead answers for him, and housing
    # holds nothing about her: her reference, never her name.
    assert web_client(cast.charlie).get(f"/children/{cast.leeann.pk}").status_code == 404
    lead = housing_ig(cast)
    exported = csv_rows(lead.get(AUDIT_CSV, {"outcome": "refused"}))
    (attempt,) = [r for r in exported if r["Who"] == "Charlie Outsider"]
    assert attempt["Action"] == "was refused the record of"
    assert attempt["Child reference"] == str(cast.leeann.pk)
    assert attempt["Child"] == ""
    assert attempt["Outcome"] == "Refused"
    assert "Leeann" not in json.dumps(exported)
    break_glass(cast.charlie, cast.leeann.pk, "Police at the door tonight, children alone")
    exported = csv_rows(lead.get(AUDIT_CSV))
    (emergency,) = [r for r in exported if r["Flagged"]]
    assert emergency["Flagged"] == "Break glass"
    assert emergency["Child"] == "Leeann Cairns"  # now housing knows her


def test_a_cell_that_would_start_a_formula_is_kept_as_text(cast: Cast) -> None:
    tricky = practitioner(
        cast.admin, "tricky", '=HYPERLINK("http://evil.example","x")', cast.school
    )
    audit.record(actor=tricky, action=AuditAction.AUTH_SIGN_IN, reason="-1+1")
    for i, name in enumerate(("+SUM(A1)", "@cmd", "-2")):
        other = practitioner(cast.admin, f"tricky{i}", name, cast.school)
        audit.record(actor=other, action=AuditAction.AUTH_SIGN_OUT)
    exported = csv_rows(web_client(cast.ig_school).get(AUDIT_CSV))
    signed_in = next(r for r in exported if "HYPERLINK" in r["Who"])
    assert signed_in["Who"] == '\'=HYPERLINK("http://evil.example","x")'
    assert signed_in["Reason"] == "'-1+1"
    assert {r["Who"] for r in exported if r["Action"] == "signed out"} == {
        "'+SUM(A1)",
        "'@cmd",
        "'-2",
    }
    assert [v for r in exported for v in r.values() if v and v[0] in "=+-@"] == []


def test_exporting_is_audited_as_a_reading_of_the_audit(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    csv_rows(web_client(cast.ig_school).get(AUDIT_CSV, {"action": "child.create"}))
    (event,) = AuditEvent.objects.order_by("seq")[before:]
    assert (event.actor, event.action, event.outcome) == ("ig_school", "audit.read", "allowed")


def test_the_csv_is_refused_as_the_viewer_is(cast: Cast) -> None:
    for who in (cast.head_teacher, cast.charlie, cast.admin):
        response = web_client(who).get(AUDIT_CSV)
        assert response.status_code == 403
        assert "text/csv" not in response["Content-Type"]
    refused = AuditEvent.objects.filter(action="audit.read", outcome="refused")
    assert refused.count() == 3


def test_filters_that_make_no_sense_export_nothing(cast: Cast) -> None:
    ig = web_client(cast.ig_school)
    response = ig.get(AUDIT_CSV, {"date_from": "02/01/2026", "date_to": "01/01/2026"})
    assert response.status_code == 302
    assert response["Location"].startswith(AUDIT + "?")
    assert "date_from=02%2F01%2F2026" in response["Location"]
    html = page(ig, response["Location"])
    assert "The filters were not valid, so nothing was exported." in html
