"""Croissant metadata (`croissant.json`, MLCommons Croissant 1.0 JSON-LD): the Parquet shards as
a FileSet and one RecordSet whose fields derive from the schema, plus the split of each record
(from its file name). Byte-identical for the same dataset: sorted keys, no timestamps."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from newsprep.schema import COLUMNS
from newsprep.splits import SPLIT_ORDER

CROISSANT_FILE = "croissant.json"
FILESET_ID = "parquet-files"
RECORDSET_ID = "default"

CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "equivalentProperty": "cr:equivalentProperty",
    "field": "cr:field",
    "fileObject": "cr:fileObject",
    "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def data_type(typ: pa.DataType) -> tuple[str, bool]:
    """(Croissant dataType, repeated) of an Arrow column type."""
    if pa.types.is_list(typ):
        return data_type(typ.value_type)[0], True
    if pa.types.is_integer(typ):
        return "sc:Integer", False
    if pa.types.is_floating(typ):
        return "sc:Float", False
    if pa.types.is_boolean(typ):
        return "sc:Boolean", False
    return "sc:Text", False


def field(name: str, typ: pa.DataType, doc: str) -> dict:
    dtype, repeated = data_type(typ)
    out = {
        "@type": "cr:Field",
        "@id": f"{RECORDSET_ID}/{name}",
        "name": name,
        "description": doc,
        "dataType": dtype,
        "source": {"fileSet": {"@id": FILESET_ID}, "extract": {"column": name}},
    }
    if repeated:
        out["repeated"] = True
    return out


def split_field() -> dict:
    names = "|".join(SPLIT_ORDER)
    return {
        "@type": "cr:Field",
        "@id": f"{RECORDSET_ID}/split",
        "name": "split",
        "description": "the split of the record (train, validation or test), from its file",
        "dataType": "sc:Text",
        "source": {
            "fileSet": {"@id": FILESET_ID},
            "extract": {"fileProperty": "filename"},
            "transform": {"regex": f"^({names})-\\d+-of-\\d+\\.parquet$"},
        },
    }


def document(meta: dict, splits: list[str]) -> dict:
    """The Croissant JSON-LD of a dataset folder with shards of `splits`."""
    version = str(meta.get("version") or "0.0.0")
    repo = meta.get("repo_id")
    url = f"https://huggingface.co/datasets/{repo}" if repo else meta.get("url", "")
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "name": str(meta.get("pretty_name", "newsprep dataset")),
        "description": "News articles cleaned by newsprep: one record per article, scraping "
        "noise in separate columns, quality flags, splits " + ", ".join(splits) + ".",
        "license": str(meta.get("license", "other")),
        "url": url or "https://pypi.org/project/newsprep/",
        "version": version,
        "citeAs": str(meta.get("citation") or meta.get("pretty_name", "newsprep dataset")),
        **({"datePublished": str(meta["date_published"])} if meta.get("date_published") else {}),
        "distribution": [
            {
                "@type": "cr:FileSet",
                "@id": FILESET_ID,
                "name": FILESET_ID,
                "description": "Parquet shards, one set per split",
                "encodingFormat": "application/x-parquet",
                "includes": "data/*.parquet",
            }
        ],
        "recordSet": [
            {
                "@type": "cr:RecordSet",
                "@id": RECORDSET_ID,
                "name": RECORDSET_ID,
                "description": "one record per article",
                "key": {"@id": f"{RECORDSET_ID}/id"},
                "field": [field(n, t, d) for n, t, _, d in COLUMNS] + [split_field()],
            }
        ],
    }


def render(meta: dict, splits: list[str]) -> str:
    return json.dumps(document(meta, splits), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(folder: Path, meta: dict, splits: list[str]) -> str:
    text = render(meta, splits)
    (Path(folder) / CROISSANT_FILE).write_text(text, encoding="utf-8")
    return text
