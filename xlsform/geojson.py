"""GeoJSON attachments: ``select_one_from_file sites.geojson`` offers the file's features as
choices, by name, with no map.

As ODK reads such a file: a FeatureCollection; each feature is an item whose ``id`` is the
feature's ``properties.id``, else its own top-level ``id`` (the choice's name), with its other
properties as columns; the label is the ``title`` property (pyxform's default label for a
GeoJSON file), else ``label``, else ``name``, else the id. The geometry is not kept: the
phone neither shows a map nor collects a location, a respondent only picks a named place.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import FormError

SUFFIX = ".geojson"
NAME_COLUMN = "id"  # pyxform's value reference for a GeoJSON itemset
LABEL_COLUMN = "title"  # and its label reference
LABEL_FALLBACKS = ("title", "label", "name")


def is_geojson(file_name: str) -> bool:
    return file_name.lower().endswith(SUFFIX)


def read_geojson(file_name: str, data: bytes, max_rows: int) -> list[dict[str, str]]:
    """The features as rows (column -> text); FormError naming the file and the feature,
    for the caller to locate at the survey row that reads the file."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FormError(f"{file_name} is not UTF-8 text") from None
    except json.JSONDecodeError as err:
        raise FormError(f"{file_name} is not valid JSON ({err.msg} at line {err.lineno})"
                        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise FormError(f'{file_name} is not a GeoJSON FeatureCollection (it needs "type": '
                        '"FeatureCollection" and a "features" list)')
    features = document["features"]
    if len(features) > max_rows:
        raise FormError(f"{file_name} has more than {max_rows} features")
    return [_row(file_name, number, feature) for number, feature in enumerate(features, 1)]


def _text(value: Any) -> str | None:
    """A property as choice text; None for objects, lists and null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value).strip()
    return None


def _row(file_name: str, number: int, feature: Any) -> dict[str, str]:
    where = f"{file_name}: feature {number}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise FormError(f'{where} is not a GeoJSON Feature (it needs "type": "Feature")')
    properties = feature.get("properties") or {}
    if not isinstance(properties, dict):
        raise FormError(f"{where} has properties that are not an object")
    row = {str(key): text for key, value in properties.items()
           if (text := _text(value)) is not None}
    row[NAME_COLUMN] = row.get(NAME_COLUMN) or _text(feature.get("id")) or ""
    if not row[NAME_COLUMN]:
        raise FormError(f'{where} has no id: give it an "id" property (the choice\'s name)')
    row[LABEL_COLUMN] = next((row[key] for key in LABEL_FALLBACKS if row.get(key)),
                             row[NAME_COLUMN])
    return row
