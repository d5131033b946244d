"""The great-expectations side: an ephemeral, offline context with progress bars off, and the
suite of `checks/expectations.json` split into per-batch and whole-dataset expectations."""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass, field
from typing import Any

from newsprep.errors import UsageError
from newsprep.schema import SCHEMA
from newsprep.validate import derive

RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": ["id"],
                 "return_unexpected_index_query": False}


@dataclass
class Spec:
    """One expectation of the suite, as data, with what newsprep needs to run and report it."""

    code: str
    type: str
    kwargs: dict[str, Any]
    meta: dict[str, Any]
    scope: str  # "batch" | "dataset"
    columns: list[str] = field(default_factory=list)  # record or derived columns it reads

    @property
    def needs(self) -> set[str]:
        return {c for col in self.columns for c in derive.needs(col)}

    @property
    def title(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{self.type}({args})"


def _columns(kwargs: dict) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
    return cols + list(kwargs.get("column_list", []))


def parse_suite(suite: dict, path: str) -> list[Spec]:
    """The expectations of a suite dict; each gets a stable code (its meta `code`)."""
    specs, codes = [], set()
    for i, e in enumerate(suite["expectations"]):
        if not isinstance(e, dict) or "type" not in e:
            raise UsageError(f"{path}: expectation #{i + 1} needs a `type`")
        kwargs, meta = dict(e.get("kwargs", {})), dict(e.get("meta", {}))
        code = str(meta.get("code") or f"{e['type']}:{kwargs.get('column', i + 1)}")
        if code in codes:
            raise UsageError(f"{path}: two expectations share the code {code!r}")
        codes.add(code)
        scope = meta.get("scope", "batch")
        if scope not in ("batch", "dataset"):
            raise UsageError(f"{path}: {code}: scope must be 'batch' or 'dataset', not {scope!r}")
        columns = _columns(kwargs)
        unknown = [c for c in columns if c not in SCHEMA.names and c not in derive.DERIVED]
        if unknown:
            raise UsageError(f"{path}: {code}: unknown column {unknown[0]!r} (a record column or "
                             f"one of {', '.join(derive.DERIVED)})")
        specs.append(Spec(code, e["type"], kwargs, meta, scope, columns))
    return specs


def quiet_gx():
    """Import great_expectations with analytics and its chatter off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
    return gx


class GxRunner:
    """Validates pandas frames against a list of specs in an ephemeral context."""

    def __init__(self, specs: list[Spec], name: str, path: str):
        gx = quiet_gx()
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration,
        )

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False)
        asset = self.context.data_sources.add_pandas(f"newsprep-{name}").add_dataframe_asset(name)
        self.batch_definition = asset.add_batch_definition_whole_dataframe(name)
        try:
            exps = [ExpectationConfiguration(type=s.type, kwargs=s.kwargs,
                                             meta=s.meta).to_domain_obj() for s in specs]
        except Exception as exc:  # unknown type, bad kwargs (pydantic)
            raise UsageError(f"{path}: bad expectation: {exc}".splitlines()[0]) from None
        suite = self.context.suites.add(gx.ExpectationSuite(name=f"newsprep-{name}",
                                                            expectations=exps))
        self.by_id = {e.id: s for e, s in zip(suite.expectations, specs, strict=True)}
        self.suite = suite

    def validate(self, frame) -> list[tuple[Spec, Any]]:
        """(spec, ExpectationValidationResult) for each expectation, on one frame."""
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = batch.validate(self.suite, result_format=RESULT_FORMAT)
        return [(self.by_id[r.expectation_config.id], r) for r in res.results]
