"""newsprep: package scraped news articles into a clean, validated, versioned dataset."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsprep")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from newsprep.build import build  # noqa: E402
from newsprep.check import check  # noqa: E402
from newsprep.errors import NewsprepError  # noqa: E402
from newsprep.loading import load  # noqa: E402
from newsprep.publish import publish  # noqa: E402

__all__ = ["NewsprepError", "__version__", "build", "check", "load", "publish"]
