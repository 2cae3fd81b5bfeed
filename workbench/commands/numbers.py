"""argparse types for numbers with a range: a value outside it is a usage error with a
sentence (``--top -3`` would otherwise slice the class list from the wrong end)."""

from __future__ import annotations

import argparse


def int_in(low: int | None = None, high: int | None = None):
    """An ``int`` type that accepts ``low <= value <= high`` (either end may be open)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        _check(value, low, high)
        return value

    parse.__name__ = "whole number"
    return parse


def _check(value, low, high) -> None:
    if low is not None and high is not None and not low <= value <= high:
        raise argparse.ArgumentTypeError(f"{value} must be between {low} and {high}")
    if low is not None and value < low:
        raise argparse.ArgumentTypeError(f"{value} must be {low} or more")
    if high is not None and value > high:
        raise argparse.ArgumentTypeError(f"{value} must be {high} or less")
