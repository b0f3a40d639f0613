"""Disseminator: one article, every channel, on time, exactly once."""

__version__ = "0.1.0"
