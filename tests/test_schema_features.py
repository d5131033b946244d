"""The card's `features` are derived from the Arrow schema without importing `datasets`; they
must be what `datasets` itself writes, and read back as the same features."""

from __future__ import annotations

import pyarrow as pa
import pytest

from newsprep.schema import SCHEMA, features_yaml, hf_features

EXTRA = pa.schema([
    ("n32", pa.int32()), ("x", pa.float64()), ("ok", pa.bool_()), ("big", pa.large_string()),
    ("nested", pa.list_(pa.list_(pa.string()))), ("counts", pa.list_(pa.int64())),
])


def _datasets_yaml(schema: pa.Schema) -> list[dict]:
    import datasets

    features = datasets.Features.from_arrow_schema(schema.remove_metadata())
    return datasets.DatasetInfo(features=features)._to_yaml_dict()["features"]


@pytest.mark.parametrize("schema", [SCHEMA, EXTRA], ids=["record", "other-types"])
def test_features_yaml_is_what_datasets_writes(schema):
    assert features_yaml(schema) == _datasets_yaml(schema)


def test_features_yaml_reads_back_as_the_record_features():
    import datasets

    assert datasets.Features._from_yaml_list(features_yaml()) == hf_features()


def test_features_yaml_refuses_a_type_it_cannot_name():
    with pytest.raises(TypeError, match="timestamp"):
        features_yaml(pa.schema([("when", pa.timestamp("s"))]))
