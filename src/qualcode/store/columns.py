"""Reading a million rows of small integers into numpy arrays, fast.

The database is not the slow part: Python's drivers build one object per value, and
SQLAlchemy's rows cost more again. So the columns are packed in SQL into as few 63-bit
integers as their known bounds allow (shifts and ors, on SQLite and PostgreSQL alike), read
straight from the driver's cursor and unpacked with numpy. Values must lie in [0, bound].
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from sqlalchemy import BigInteger, ColumnElement, Select, cast
from sqlalchemy.orm import Session

BITS_PER_VALUE = 63  # the sign bit of a 64-bit integer stays clear


def read_int_columns(session: Session, query: Select, bounds: Sequence[int]) -> list[np.ndarray]:
    """The query's selected integer columns as int64 arrays; ``bounds[i]`` caps column i."""
    columns = list(query.selected_columns)
    if len(columns) != len(bounds):
        raise ValueError("read_int_columns needs one bound per selected column")
    widths = [max(int(bound), 1).bit_length() for bound in bounds]
    groups = pack_groups(widths)
    packed = [_packed([columns[i] for i in group], [widths[i] for i in group])
              for group in groups]
    values = _fetch(session, query.with_only_columns(*packed)).reshape(-1, len(groups))
    result: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(columns)
    for k, group in enumerate(groups):
        shift = sum(widths[i] for i in group)
        for i in group:
            shift -= widths[i]
            result[i] = (values[:, k] >> shift) & ((1 << widths[i]) - 1)
    return result


def pack_groups(widths: Sequence[int]) -> list[list[int]]:
    """Consecutive columns grouped so that each group's widths fit in one value."""
    groups: list[list[int]] = [[]]
    used = 0
    for index, width in enumerate(widths):
        if width > BITS_PER_VALUE:
            raise ValueError(f"column {index} needs {width} bits")
        if used + width > BITS_PER_VALUE:
            groups.append([])
            used = 0
        groups[-1].append(index)
        used += width
    return groups


def _packed(columns: list[ColumnElement], widths: list[int]) -> ColumnElement:
    expression: ColumnElement | None = None
    shift = sum(widths)
    for column, width in zip(columns, widths, strict=True):
        shift -= width
        part = cast(column, BigInteger)
        if shift:
            part = part.op("<<")(shift)
        expression = part if expression is None else expression.op("|")(part)
    assert expression is not None
    return expression


def _fetch(session: Session, query: Select) -> np.ndarray:
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect,
                            compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return np.fromiter(itertools.chain.from_iterable(cursor), dtype=np.int64)
    finally:
        cursor.close()
