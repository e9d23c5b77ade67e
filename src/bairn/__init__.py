"""Bairn: Getting it right for every child."""

__version__ = "0.1.0"
