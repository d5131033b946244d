"""The one exception base class of newsprep. The CLI turns it into one line and exit 1."""

from __future__ import annotations


class NewsprepError(Exception):
    """Any error newsprep reports to a user: the message names the file and the reason."""


class UsageError(NewsprepError):
    """A bad argument or option value (CLI exit status 2)."""
