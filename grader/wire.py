"""Values crossing between the learner's kernel and the grader, as data and never as pickle.

`encode` runs in the kernel and turns a value into JSON-able data: plain JSON where it can, and a
small tagged dict (`{"~": tag, ...}`) for tuples, sets, bytes, NaN and infinities, dates, numpy
arrays, pandas Series and DataFrames. Anything else is not data: `encode` asks `keep` to hold it in
the kernel and sends a reference, so the grader can only read it through further questions.
`decode` runs in the grader and rebuilds plain values. Standard library only: it is imported by
the kernel before any learner code, and must not import numpy or pandas there unless the learner did.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import sys
from collections.abc import Callable
from typing import Any

TAG = "~"
MAX_ITEMS = 1_000_000  # past this a container is sent as a reference, not copied


def encode(value: Any, keep: Callable[[Any], int] | None = None, depth: int = 0) -> Any:
    """Turn `value` into JSON-able data; objects that are not data become references via `keep`."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value if type(value) is int or isinstance(value, bool) else int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else {TAG: "float", "v": repr(float(value))}
    if value is Ellipsis:
        return {TAG: "ellipsis"}
    if depth > 50:
        return _reference(value, keep)
    nested = lambda v: encode(v, keep, depth + 1)  # noqa: E731
    kind = type(value)
    if kind is list:
        return [nested(v) for v in value] if len(value) <= MAX_ITEMS else _reference(value, keep)
    if kind is tuple:
        return {TAG: "tuple", "v": [nested(v) for v in value]}
    if kind in (set, frozenset):
        return {TAG: kind.__name__, "v": [nested(v) for v in value]}
    if kind is dict:
        if all(type(k) is str for k in value):
            return (
                {TAG: "dict", "v": {k: nested(v) for k, v in value.items()}}
                if TAG in value
                else {k: nested(v) for k, v in value.items()}
            )
        return {TAG: "dict", "items": [[nested(k), nested(v)] for k, v in value.items()]}
    if kind in (bytes, bytearray):
        return {TAG: kind.__name__, "v": base64.b64encode(value).decode()}
    if kind is complex:
        return {TAG: "complex", "v": [value.real, value.imag]}
    if kind in (dt.datetime, dt.date, dt.time):
        return {TAG: kind.__name__, "v": value.isoformat()}
    if kind is dt.timedelta:
        return {TAG: "timedelta", "v": value.total_seconds()}
    encoded = _encode_numpy(value, nested) or _encode_pandas(value, nested)
    if encoded is not None:
        return encoded
    return _reference(value, keep)


def _reference(value: Any, keep: Callable[[Any], int] | None) -> Any:
    text = repr_limited(value)
    ref = keep(value) if keep else None
    return {TAG: "ref", "id": ref, "type": _type_name(value), "repr": text, "callable": callable(value)}


def _type_name(value: Any) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ in ("builtins", "__main__") else f"{kind.__module__}.{kind.__qualname__}"


def repr_limited(value: Any, limit: int = 300) -> str:
    """A repr that never raises and never floods a report."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _encode_numpy(value: Any, nested: Callable[[Any], Any]) -> Any:
    np = sys.modules.get("numpy")
    if np is None:
        return None
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "biufcUSMmO?" and value.size <= MAX_ITEMS:
            return {
                TAG: "ndarray",
                "dtype": str(value.dtype),
                "shape": list(value.shape),
                "v": [nested(v) for v in value.ravel().tolist()],
            }
        return None
    if isinstance(value, np.generic):
        return {TAG: "npscalar", "dtype": str(value.dtype), "v": nested(value.item())}
    return None


def _encode_pandas(value: Any, nested: Callable[[Any], Any]) -> Any:
    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    if isinstance(value, pd.Timestamp):
        return {TAG: "timestamp", "v": value.isoformat()}
    if isinstance(value, pd.Series):
        return {
            TAG: "series",
            "name": nested(value.name),
            "dtype": str(value.dtype),
            "index": _encode_index(value.index, nested),
            "v": [nested(_plain(v)) for v in value.tolist()],
        }
    if isinstance(value, pd.DataFrame):
        return {
            TAG: "dataframe",
            "columns": [nested(c) for c in value.columns.tolist()],
            "dtypes": [str(t) for t in value.dtypes.tolist()],
            "index": _encode_index(value.index, nested),
            "v": [[nested(_plain(v)) for v in column.tolist()] for _, column in value.items()],
        }
    return None


def _encode_index(index: Any, nested: Callable[[Any], Any]) -> Any:
    return {"name": nested(index.name), "dtype": str(index.dtype), "v": [nested(_plain(v)) for v in index.tolist()]}


def _plain(value: Any) -> Any:
    """Missing values of pandas (NA, NaT) as NaN/None, so the grader sees them as missing."""
    pd = sys.modules.get("pandas")
    if pd is not None and value is pd.NaT:
        return None
    if pd is not None and value is pd.NA:
        return float("nan")
    if pd is not None and isinstance(value, pd.Period | pd.Interval):
        return str(value)  # the column's dtype (period[M], interval) turns the text back into values
    return value


def decode(data: Any, make_ref: Callable[[dict[str, Any]], Any] | None = None) -> Any:
    """Rebuild a value sent by `encode`; references become whatever `make_ref` makes of them."""
    if isinstance(data, list):
        return [decode(v, make_ref) for v in data]
    if not isinstance(data, dict):
        return data
    tag = data.get(TAG)
    if tag is None:
        return {k: decode(v, make_ref) for k, v in data.items()}
    back = lambda v: decode(v, make_ref)  # noqa: E731
    simple: dict[str, Callable[[Any], Any]] = {
        "float": float,
        "ellipsis": lambda _: Ellipsis,
        "tuple": lambda v: tuple(back(x) for x in v),
        "set": lambda v: {back(x) for x in v},
        "frozenset": lambda v: frozenset(back(x) for x in v),
        "bytes": base64.b64decode,
        "bytearray": lambda v: bytearray(base64.b64decode(v)),
        "complex": lambda v: complex(*v),
        "datetime": dt.datetime.fromisoformat,
        "date": dt.date.fromisoformat,
        "time": dt.time.fromisoformat,
        "timedelta": lambda v: dt.timedelta(seconds=v),
    }
    if tag in simple:
        return simple[tag](data.get("v"))
    if tag == "dict":
        if "items" in data:
            return {back(k): back(v) for k, v in data["items"]}
        return {k: back(v) for k, v in data["v"].items()}
    if tag in ("ndarray", "npscalar"):
        import numpy as np

        if tag == "npscalar":
            return np.array(back(data["v"]), dtype=data["dtype"])[()]
        return np.array(back(data["v"]), dtype=data["dtype"]).reshape(data["shape"])
    if tag in ("series", "dataframe", "timestamp"):
        return _decode_pandas(data, back)
    if tag == "ref":
        return make_ref(data) if make_ref else Opaque(data["type"], data["repr"])
    raise ValueError(f"unknown tag {tag!r} in a value sent by the kernel")


def _decode_pandas(data: dict[str, Any], back: Callable[[Any], Any]) -> Any:
    import pandas as pd

    if data[TAG] == "timestamp":
        return pd.Timestamp(data["v"])

    def index(spec: dict[str, Any]) -> Any:
        return pd.Index(back(spec["v"]), dtype=_dtype(spec["dtype"]), name=back(spec["name"]))

    if data[TAG] == "series":
        return _series(pd, back(data["v"]), data["dtype"]).set_axis(index(data["index"])).rename(back(data["name"]))
    columns = back(data["columns"])
    frame = pd.DataFrame(
        {i: _series(pd, back(v), t) for i, (v, t) in enumerate(zip(data["v"], data["dtypes"], strict=True))}
    )
    frame.columns = pd.Index(columns) if columns else frame.columns
    frame.index = index(data["index"])
    return frame


def _dtype(name: str) -> Any:
    return None if name == "object" else name


def _series(pd: Any, values: list[Any], dtype: str) -> Any:
    """A Series of `dtype`; values that dtype cannot hold (a learner's odd column) stay as they are."""
    try:
        return pd.Series(values, dtype=_dtype(dtype))
    except (TypeError, ValueError):
        return pd.Series(values, dtype=object)


class Opaque:
    """A value that is not data and could not be referenced: it equals nothing but itself."""

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text
