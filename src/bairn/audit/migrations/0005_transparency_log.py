"""From the hash chain to the transparency log (issue 10; DEVELOPERS.md "The audit log").

1. The old chain is checked first, as `bairn audit verify` checked it: every event
   follows the one before and hashes to what it says, and the last is the head. A broken
   chain stops the migration, naming the first event that does not hold — nothing is
   moved into the log that the old verification would not have vouched for.
2. Events are numbered by the database from now on (an identity column), with no head
   row every request locks; the head and the chain checks go.
3. Every existing event is queued for the sequencer in its old order, so the tree's
   leaves begin with the old chain (leaf order = `seq`); the next `bairn audit seal` (or
   `bairn serve`, within seconds) puts them in the tree and signs the first checkpoint.
   The old events keep their chain hashes.
4. On PostgreSQL the tree and the checkpoints refuse UPDATE and DELETE, as the events do.
   TRUNCATE is a matter of privileges: `bairn db roles` gives the running app none.
"""

import hashlib
import json

from django.db import migrations, models

GENESIS_HASH = "0" * 64
LOG_TABLES = ["audit_logleaf", "audit_lognode", "audit_checkpoint", "audit_cosignature"]


def _canonical(e) -> bytes:
    body = {
        "seq": e.seq,
        "at": e.at.isoformat(timespec="microseconds"),
        "actor_id": e.actor_id,
        "actor": e.actor,
        "agency_id": e.agency_id,
        "action": e.action,
        "object": e.object,
        "child_id": e.child_id,
        "purpose": e.purpose,
        "outcome": e.outcome,
        "reason": e.reason,
        "flagged": e.flagged,
        "prev_hash": e.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


class ChainBroken(RuntimeError):
    pass


def check_old_chain(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    db = schema_editor.connection.alias
    prev, expected = GENESIS_HASH, 1
    for e in AuditEvent.objects.using(db).order_by("seq").iterator(chunk_size=5000):
        problem = ""
        if e.seq != expected:
            problem = f"expected event #{expected} here, found #{e.seq}"
        elif e.prev_hash != prev:
            problem = "it does not follow the event before it"
        elif hashlib.sha256(_canonical(e)).hexdigest() != e.hash:
            problem = "its contents were changed"
        if problem:
            raise ChainBroken(
                f"The audit chain is broken at event #{e.seq}: {problem}. Nothing was "
                "migrated. Find out why before moving the audit into the transparency log."
            )
        prev, expected = e.hash, expected + 1
    head = AuditHead.objects.using(db).filter(id=1).first()
    if head is not None and head.seq and (head.seq != expected - 1 or head.hash != prev):
        raise ChainBroken(
            f"The audit chain ends at event #{expected - 1} but its head records event "
            f"#{head.seq}: events were removed or forged. Nothing was migrated."
        )


def queue_existing(apps, schema_editor):
    db = schema_editor.connection.alias
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_pendingevent (seq) SELECT seq FROM audit_auditevent ORDER BY seq"
        )
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'seq'), "
                "COALESCE(MAX(seq), 0) + 1, false) FROM audit_auditevent"
            )
    del db


def protect_log(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in LOG_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION bairn_audit_append_only()",
            params=None,
        )


def unprotect_log(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in LOG_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_record_agencies")]

    operations = [
        migrations.RunPython(check_old_chain, migrations.RunPython.noop),
        migrations.CreateModel(
            name="PendingEvent",
            fields=[("seq", models.BigIntegerField(primary_key=True, serialize=False))],
        ),
        migrations.CreateModel(
            name="LogLeaf",
            fields=[
                ("index", models.BigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(unique=True)),
                ("hash", models.BinaryField(max_length=32)),
            ],
        ),
        migrations.CreateModel(
            name="LogNode",
            fields=[
                ("key", models.BigIntegerField(primary_key=True, serialize=False)),
                ("hash", models.BinaryField(max_length=32)),
            ],
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("tree_size", models.BigIntegerField(primary_key=True, serialize=False)),
                ("root_hash", models.BinaryField(max_length=32)),
                ("signed_note", models.TextField()),
                ("key", models.CharField(max_length=300)),
                ("at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="Cosignature",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("tree_size", models.BigIntegerField()),
                ("witness", models.CharField(max_length=200)),
                ("line", models.TextField()),
                ("timestamp", models.BigIntegerField()),
                ("at", models.DateTimeField()),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("witness", "tree_size"), name="cosigned_once")
                ]
            },
        ),
        migrations.CreateModel(
            name="WitnessKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True)),
                ("verifier_key", models.TextField()),
                ("added_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="LogCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                ("ok", models.BooleanField()),
                ("checked", models.BigIntegerField()),
                ("tree_size", models.BigIntegerField(default=0)),
                ("problem", models.TextField(blank=True)),
                ("broken_seq", models.BigIntegerField(blank=True, null=True)),
                ("by", models.CharField(blank=True, max_length=150)),
                ("rate", models.FloatField(default=0)),
            ],
            options={"indexes": [models.Index(fields=["at"], name="audit_logch_at_f48405_idx")]},
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.DeleteModel(name="AuditHead"),
        migrations.DeleteModel(name="ChainCheck"),
        migrations.RunPython(queue_existing, migrations.RunPython.noop),
        migrations.RunPython(protect_log, unprotect_log),
    ]
