"""Values cross as tagged data: each form survives the round trip, nothing else gets through."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from grader.wire import Opaque, decode, encode


def round_trip(value):
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2.5,
        "text",
        [1, [2, 3]],
        {"a": 1},
        (1, "x"),
        {1, 2},
        frozenset({"a"}),
        b"\x00bytes",
        bytearray(b"ba"),
        1 + 2j,
        {1: "int key", (2, 3): "tuple key"},
        {"~": "a key like our tag"},
        dt.datetime(2026, 11, 30, 14, 5),
        dt.date(2026, 1, 2),
        dt.time(9, 30),
        dt.timedelta(hours=2),
        Ellipsis,
    ],
)
def test_when_plain_values_cross_then_they_come_back_equal_and_of_the_same_type(value):
    back = round_trip(value)
    assert back == value and type(back) is type(value)


def test_when_floats_are_not_finite_then_they_survive():
    back = round_trip([float("nan"), float("inf"), -float("inf")])
    assert math.isnan(back[0]) and back[1:] == [float("inf"), -float("inf")]


def test_when_numpy_values_cross_then_dtype_and_shape_survive():
    array = np.arange(6, dtype="int32").reshape(2, 3)
    back = round_trip(array)
    assert back.dtype == np.int32 and back.shape == (2, 3) and (back == array).all()
    assert round_trip(np.float64(1.5)) == 1.5 and type(round_trip(np.int64(3))) is np.int64


def test_when_pandas_values_cross_then_they_are_equal_frames_and_series():
    frame = pd.DataFrame(
        {"month": ["2026-01", "2026-02"], "revenue": [10.5, float("nan")], "n": [1, 2]},
        index=pd.Index([3, 4], name="row"),
    )
    pd.testing.assert_frame_equal(round_trip(frame), frame)
    series = pd.Series([1.0, 2.0], index=["a", "b"], name="total")
    pd.testing.assert_series_equal(round_trip(series), series)
    assert round_trip(pd.Timestamp("2026-11-30 10:00")) == pd.Timestamp("2026-11-30 10:00")


def test_when_a_value_is_not_data_then_it_becomes_an_opaque_reference_that_equals_nothing():
    class Liar:
        def __eq__(self, other):
            return True

    back = round_trip(Liar())
    assert isinstance(back, Opaque) and back != 42 and back != back.text


def test_when_a_value_is_kept_then_the_reference_carries_its_id_and_type():
    kept = []
    data = encode(len, lambda v: kept.append(v) or len(kept))
    assert (data["~"], data["id"], data["type"], data["callable"]) == ("ref", 1, "builtin_function_or_method", True)
    assert kept == [len]


def test_when_numpy_floats_are_not_finite_then_they_cross_as_floats():
    back = round_trip([np.float64("inf"), np.float64("nan")])
    assert back[0] == float("inf") and math.isnan(back[1])


def test_when_a_column_holds_periods_then_it_comes_back_as_periods():
    frame = pd.DataFrame({"month": pd.period_range("2023-11", periods=2, freq="M"), "n": [1, 2]})
    pd.testing.assert_frame_equal(round_trip(frame), frame)
