"""What a locked-out sign-in gets (django-axes calls this instead of its own page).

A username is locked after BAIRN_LOCKOUT_FAILURES failed sign-ins, from any address, for
BAIRN_LOCKOUT_MINUTES after the last of them (settings.AXES_*): the page and the API say
so, and for how long."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def minutes() -> int:
    return int(settings.BAIRN_LOCKOUT_MINUTES)


def message() -> str:
    n = minutes()
    return (
        f"Too many failed attempts: this account is locked for {n} minute{'s' if n != 1 else ''} "
        "after the last one. Try again then, or ask your administrator."
    )


def locked_body() -> dict[str, Any]:
    return {
        "detail": message(),
        "reasons": [f"locked out after repeated failed sign-ins, for {minutes()} minutes"],
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, *args: Any
) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(locked_body(), status=403)
    return HttpResponse(message(), status=403, content_type="text/plain; charset=utf-8")


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(p, strict=False) for p in settings.BAIRN_TRUSTED_PROXIES]


def _is_proxy(address: str, proxies: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. X-Forwarded-For is believed only when the connection came
    from one of BAIRN_TRUSTED_PROXIES, and then only as far back as the proxies go: the
    nearest address in it that is not a trusted proxy is the client (anything further
    left was written by the client and could be anything)."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = _networks()
    if not remote or not proxies or not _is_proxy(remote, proxies):
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        if not _is_proxy(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return remote
    return hops[0] if hops else remote
