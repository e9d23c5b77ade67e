"""The policy's refusal that looks like absence (DOMAIN §4.1)."""


class NotVisible(Exception):
    """Not found, or not visible to the caller: the two are indistinguishable outside."""
