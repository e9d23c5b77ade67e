"""`bairn audit …`: the transparency log's tools (API.md "Audit log"; DEVELOPERS.md).

- `seal` puts committed events into the tree and signs a checkpoint (`--every N`: keep
  doing so every N seconds, as `bairn serve` runs it);
- `verify [--witness-state FILE]` recomputes the tree from every event and checks it
  against the signed checkpoints, the cosignatures and a witness's state;
- `keygen NAME FILE` makes an Ed25519 key; `witness-add VERIFIER_KEY` registers a witness;
- `witness --url URL --key FILE --state FILE` is the witness's side, run elsewhere;
- `prove EVENT_ID` prints an event's inclusion proof and checks it.
"""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from bairn.audit import log, merkle
from bairn.audit.models import LogLeaf
from bairn.audit.note import NoteError, Signer, write_key_file
from bairn.errors import Conflict, Invalid


class Command(BaseCommand):
    help = "The audit log: seal, verify, keygen, witness-add, witness, prove."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        seal = sub.add_parser("seal", help="put new events in the tree and sign a checkpoint")
        seal.add_argument(
            "--every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="keep sealing every SECONDS until stopped",
        )
        verify = sub.add_parser("verify", help="recompute the tree; name the first break")
        verify.add_argument(
            "--witness-state",
            type=Path,
            metavar="FILE",
            help="also check against the last checkpoint a witness co-signed (its state file)",
        )
        keygen = sub.add_parser("keygen", help="make an Ed25519 signing key")
        keygen.add_argument("name", help="the key's name: the log's origin, or the witness's name")
        keygen.add_argument("file", type=Path, help="where to write the private key (mode 0600)")
        add = sub.add_parser("witness-add", help="accept cosignatures from a witness")
        add.add_argument("verifier_key", help="the witness's C2SP verifier key, NAME+hash+key")
        witness = sub.add_parser("witness", help="co-sign a Bairn log's checkpoint (run elsewhere)")
        witness.add_argument("--url", required=True, help="the Bairn server's address")
        witness.add_argument("--key", required=True, type=Path, help="the witness's key file")
        witness.add_argument("--state", required=True, type=Path, help="the witness's state file")
        prove = sub.add_parser("prove", help="an event's inclusion proof, checked")
        prove.add_argument("event_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)
        except (Invalid, Conflict, NoteError, log.LogBroken) as error:
            raise CommandError(_message(error)) from None

    def _seal(self, options: dict[str, Any]) -> None:
        every = options["every"]
        if not every:
            sealed = log.seal()
            self.stdout.write(
                f"Sealed {sealed.added:,} new event(s): the log holds {sealed.tree_size:,}, signed."
            )
            return
        while True:  # beside `bairn serve`, until it stops this process
            try:
                sealed = log.seal(wait=False)
                if sealed.added:
                    self.stdout.write(
                        f"audit log: sealed {sealed.added:,} event(s); {sealed.tree_size:,} in all"
                    )
                    self.stdout.flush()
            except Exception as error:
                self.stderr.write(f"audit log: could not seal now ({error}); trying again")
                close_old_connections()
            time.sleep(every)

    def _verify(self, options: dict[str, Any]) -> None:
        state = (
            log.WitnessState.read(options["witness_state"]) if options["witness_state"] else None
        )
        total = LogLeaf.objects.count()
        show = sys.stderr.isatty() and total > 100_000
        with Progress(
            TextColumn("Verifying the audit log"),
            BarColumn(),
            MofNCompleteColumn(),
            disable=not show,
            transient=True,
        ) as bar:
            task = bar.add_task("verify", total=total)
            result = log.verify(
                progress=(lambda n: bar.update(task, completed=n)) if show else None,
                witness_state=state,
            )
        log.record_check(result, by="bairn audit verify")
        if not result.ok:
            raise CommandError(
                f"Audit log BROKEN: {result.problem}. {result.checked:,} event(s) checked "
                "before it."
            )
        lines = [
            f"Audit log holds: {result.checked:,} events checked in {result.seconds:.2f} s "
            f"({result.rate:,.0f} events/s); {result.checkpoints:,} checkpoint(s) and "
            f"{result.cosignatures:,} cosignature(s) verify."
        ]
        if state is not None:
            lines.append(f"It extends the tree of {state.tree_size:,} the witness co-signed.")
        if result.waiting:
            lines.append(f"{result.waiting:,} newer event(s) wait to be sealed.")
        lines += result.notes
        self.stdout.write("\n".join(lines))

    def _keygen(self, options: dict[str, Any]) -> None:
        signer = Signer.generate(options["name"])
        write_key_file(options["file"], signer)
        self.stdout.write(f"Wrote a new Ed25519 key to {options['file']}. Its verifier key:")
        self.stdout.write(signer.verifier().verifier_key())

    def _witness_add(self, options: dict[str, Any]) -> None:
        witness = log.add_witness(options["verifier_key"])
        self.stdout.write(f"Cosignatures by {witness.name} are now accepted.")

    def _witness(self, options: dict[str, Any]) -> None:
        from bairn.audit.witness import WitnessRefused, run_witness

        try:
            summary = run_witness(options["url"], options["key"], options["state"])
        except WitnessRefused as error:
            raise CommandError(f"Witness REFUSED to co-sign: {error}") from None
        self.stdout.write(summary)

    def _prove(self, options: dict[str, Any]) -> None:
        proof = log.inclusion(options["event_id"])
        checkpoint = log.latest_checkpoint()
        assert checkpoint is not None
        if proof.tree_size != checkpoint.tree_size:
            checkpoint = type(checkpoint).objects.get(tree_size=proof.tree_size)
        ok = (
            merkle.verify_inclusion(
                proof.leaf_hash,
                proof.leaf_index,
                proof.tree_size,
                proof.hashes,
                bytes(checkpoint.root_hash),
            )
            and merkle.leaf_hash(proof.line.encode()) == proof.leaf_hash
        )
        self.stdout.write(f"Event #{proof.seq}: {proof.line!r}")
        self.stdout.write(
            f"leaf {proof.leaf_index} of {proof.tree_size}, leaf hash {log.b64(proof.leaf_hash)}"
        )
        for h in proof.hashes:
            self.stdout.write(f"  {log.b64(h)}")
        self.stdout.write(checkpoint.signed_note.rstrip("\n"))
        if not ok:
            raise CommandError(
                f"The proof of event #{proof.seq} does NOT verify against the checkpoint."
            )
        self.stdout.write(
            "The event is in the log: its proof leads to the root of the signed checkpoint "
            f"of {proof.tree_size:,}."
        )


def _message(error: Exception) -> str:
    if isinstance(error, Invalid):
        return "; ".join(error.errors.values())
    if isinstance(error, Conflict):
        return error.message
    return str(error)
