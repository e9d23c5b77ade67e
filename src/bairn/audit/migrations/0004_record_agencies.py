"""Which agencies' records each event touched (AuditEventAgency), for the rule of who
reads an event (bairn.audit.queries.answers_for, DOMAIN §4.7).

The rows sit beside the chain, so no event changes and every hash still holds. Events
recorded before this are indexed from the record their `object` names: an entry, a
disclosure, a share request or an ISP. Events about nothing of an agency's stay with
the actor's agency alone, as every event does."""

import uuid

from django.db import migrations, models

CHUNK = 2000


def _ids(objects, prefix):
    found = {}
    for obj in objects:
        if obj.startswith(prefix):
            try:
                found[obj] = uuid.UUID(obj[len(prefix) :])
            except ValueError:
                pass
    return found


def _touched(apps, objects):
    """object → the agencies of the record it names."""
    Concern = apps.get_model("chronology", "Concern")
    Disclosure = apps.get_model("sharing", "Disclosure")
    ShareRequest = apps.get_model("sharing", "ShareRequest")
    IspParty = apps.get_model("sharing", "IspParty")
    out = {}
    concerns = _ids(objects, "concern:")
    agency_of = dict(
        Concern.objects.filter(pk__in=set(concerns.values())).values_list("pk", "agency_id")
    )
    for obj, pk in concerns.items():
        if pk in agency_of:
            out[obj] = {agency_of[pk]}
    disclosures = _ids(objects, "disclosure:")
    pairs = {
        pk: {a, b}
        for pk, a, b in Disclosure.objects.filter(pk__in=set(disclosures.values())).values_list(
            "pk", "from_agency_id", "to_agency_id"
        )
    }
    for obj, pk in disclosures.items():
        if pk in pairs:
            out[obj] = pairs[pk]
    requests = _ids(objects, "share_request:")
    pairs = {
        pk: {a, b}
        for pk, a, b in ShareRequest.objects.filter(pk__in=set(requests.values())).values_list(
            "pk", "requesting_agency_id", "holder_agency_id"
        )
    }
    for obj, pk in requests.items():
        if pk in pairs:
            out[obj] = pairs[pk]
    isps = _ids(objects, "isp:")
    parties = {}
    for isp_id, agency_id in IspParty.objects.filter(isp_id__in=set(isps.values())).values_list(
        "isp_id", "agency_id"
    ):
        parties.setdefault(isp_id, set()).add(agency_id)
    for obj, pk in isps.items():
        if pk in parties:
            out[obj] = parties[pk]
    return out


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditEventAgency = apps.get_model("audit", "AuditEventAgency")
    events = (
        AuditEvent.objects.filter(
            models.Q(object__startswith="concern:")
            | models.Q(object__startswith="disclosure:")
            | models.Q(object__startswith="share_request:")
            | models.Q(object__startswith="isp:")
        )
        .order_by("seq")
        .values_list("seq", "agency_id", "object")
    )
    batch = []

    def flush():
        touched = _touched(apps, {obj for _, _, obj in batch})
        rows = [
            AuditEventAgency(seq=seq, agency_id=str(agency))
            for seq, actor_agency, obj in batch
            for agency in sorted(touched.get(obj, ()), key=str)
            if str(agency) != actor_agency
        ]
        AuditEventAgency.objects.bulk_create(rows, ignore_conflicts=True)
        batch.clear()

    for row in events.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_check"),
        ("chronology", "0001_initial"),
        ("sharing", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEventAgency",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("seq", models.BigIntegerField()),
                ("agency_id", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["agency_id", "seq"], name="audit_audit_agency__6181d5_idx"),
        ),
        migrations.AddConstraint(
            model_name="auditeventagency",
            constraint=models.UniqueConstraint(
                fields=("agency_id", "seq"), name="audit_agency_once"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
