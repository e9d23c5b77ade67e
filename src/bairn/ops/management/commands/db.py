"""`bairn db roles [--apply] [--owner NAME] [--app NAME]`: least privilege on PostgreSQL
(bairn.ops.roles). Prints the SQL for each store's database; `--apply` runs it as the
user of the configured connection (a superuser, or one allowed to make roles) and so
hands the tables to the owner role."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections, transaction

from bairn.ops.roles import DEFAULT_APP, DEFAULT_OWNER, Roles
from bairn.ops.stores import POSTGRESQL, Store, stores


class Command(BaseCommand):
    help = "Database roles on PostgreSQL: an owner for migrations and a least-privilege app role."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        roles = sub.add_parser(
            "roles",
            help="print (or --apply) the SQL making the owner and the application roles",
        )
        roles.add_argument(
            "--apply",
            action="store_true",
            help="run it now, as the configured connection's user, in each store's database",
        )
        roles.add_argument(
            "--owner",
            default=DEFAULT_OWNER,
            metavar="NAME",
            help=f"the role that owns the tables and runs migrations (default {DEFAULT_OWNER})",
        )
        roles.add_argument(
            "--app",
            default=DEFAULT_APP,
            metavar="NAME",
            help=f"the role bairn serve connects as (default {DEFAULT_APP})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        roles = Roles(owner=options["owner"], app=options["app"])
        found = stores()
        postgres = [s for s in found if s.vendor == POSTGRESQL]
        for store in found:
            if store.vendor != POSTGRESQL:
                self.stdout.write(
                    f"The {store.alias} store is a SQLite file ({store.name}): database roles "
                    "are a PostgreSQL matter. Protect the file by who may read it (its owner "
                    "and mode 0600), and take copies with bairn backup."
                )
        if not postgres:
            return
        if options["apply"]:
            for store in postgres:
                self._apply(roles, store)
            self._password_guidance(roles, applied=True)
            return
        self._print(roles, postgres)

    def _statements(self, roles: Roles, store: Store) -> list[str]:
        return roles.create() + roles.database(store.name, holds_audit=store.holds_audit)

    def _print(self, roles: Roles, postgres: list[Store]) -> None:
        for store in postgres:
            self.stdout.write(
                f"-- The {store.alias} store: {store.describe()}. A psql script: run it as a "
                "superuser (psql -f FILE), or use bairn db roles --apply."
            )
            self.stdout.write(f'\\connect "{store.name}"')
            for statement in self._statements(roles, store):
                self.stdout.write(statement)
            self.stdout.write("")
        self._password_guidance(roles, applied=False)

    def _password_guidance(self, roles: Roles, *, applied: bool) -> None:
        for role, variable, password in roles.passwords():
            if password is not None:
                done = "was set" if applied else "is set by --apply"
                self.stdout.write(f"-- The password of {role} {done} from {variable} (not shown).")
            else:
                self.stdout.write(
                    f"-- Give {role} a password in psql, which asks for it and sends only its "
                    f"hash: \\password {role}   (or set {variable} and run --apply)"
                )
        self.stdout.write(
            f"-- Then migrate as {roles.owner} and serve as {roles.app} (DATABASE_URL and "
            f"IDENTITY_DATABASE_URL naming each), and run bairn db roles --apply again after "
            "each migration so a new audit table is append-only too."
        )

    def _apply(self, roles: Roles, store: Store) -> None:
        connection = connections[store.alias]
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            me = cursor.fetchone()[0]
        if me in (roles.owner, roles.app):
            raise CommandError(
                f"The {store.alias} store is reached as {me}: apply the roles as another user "
                "(a superuser), not as one of the roles being made."
            )
        statements = self._statements(roles, store)
        statements += [
            roles.password_statement(role, password)
            for role, _, password in roles.passwords()
            if password is not None
        ]
        try:
            with transaction.atomic(using=store.alias), connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except DatabaseError as error:
            raise CommandError(
                f"Could not make the roles in {store.describe()} as {me}: "
                f"{str(error).strip().splitlines()[0]}. Nothing was changed there."
            ) from None
        self.stdout.write(
            f"{store.describe()}: {roles.owner} owns the tables; {roles.app} may read and "
            "write them, the audit log's only read and append."
        )
