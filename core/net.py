"""The real client address of a request, behind the reverse proxies named in TRUSTED_PROXIES."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the person behind `request`, or None outside a request.

    `X-Forwarded-For` is read only when the direct peer (REMOTE_ADDR) is one of the trusted proxies
    (settings.TRUSTED_PROXIES: addresses or networks). The list is read from the right, past every
    trusted proxy, and the first other address is the client: a client cannot forge its address by
    sending its own header, because the proxy appends the real peer after it.
    """
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    peer_ip = _parse(peer or "")
    if peer_ip is None or not trusted or not any(peer_ip in network for network in trusted):
        return peer
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for hop in reversed(forwarded):
        hop_ip = _parse(hop)
        if hop_ip is None:
            return peer  # a garbled header: keep what we know for sure
        if not any(hop_ip in network for network in trusted):
            return str(hop_ip)
    return str(_parse(forwarded[0])) if forwarded else peer
