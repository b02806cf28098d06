"""Allows ``python -m coursepack``."""

from __future__ import annotations

from coursepack.cli import main

main()
