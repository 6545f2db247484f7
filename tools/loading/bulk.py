"""Build many frozen models quickly from columns that have already been validated."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large batch of objects.

    Every new object stays reachable, so the collections that a million allocations trigger
    find nothing to free, yet each walks the whole growing heap: pausing them makes a
    million-row load several times faster.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def models_from_columns(model: type[Model], columns: Mapping[str, Sequence[Any]]
                        ) -> tuple[Model, ...]:
    """One ``model`` per position, each field taken from the column of the same name.

    Strict validation: the columns must already hold the exact Python types (checked
    column-wise by the loaders), so pydantic only confirms them.
    """
    fields = list(columns)
    with _collector_paused():
        return tuple(
            model.model_validate(dict(zip(fields, values, strict=True)), strict=True)
            for values in zip(*columns.values(), strict=True)
        )


def date_objects(dates: pd.Series) -> list[dt.date | None]:
    """datetime64 values as ``datetime.date`` (None for NaT), converted in one array pass."""
    return dates.to_numpy().astype("datetime64[D]").astype(object).tolist()


def none_where(values: pd.Series, mask: pd.Series) -> list[Any]:
    """The values as Python objects, with None where ``mask`` is true (blank or NaN cells)."""
    return np.where(mask.to_numpy(), None, values.to_numpy(dtype=object)).tolist()
