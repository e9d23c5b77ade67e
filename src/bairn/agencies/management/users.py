"""What the agencies' commands share: finding the account a command is about."""

from __future__ import annotations

from django.core.management.base import CommandError

from bairn.agencies.models import Practitioner


def active_user(username: str) -> Practitioner:
    """The active account called `username`; a CommandError naming it otherwise."""
    user = Practitioner.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No user is called {username!r}.")
    if not user.is_active:
        raise CommandError(f"{user.username} is not active.")
    return user
