"""Build many frozen models quickly from columns that have already been validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pydantic import BaseModel

from tools.collector import collector_paused

Model = TypeVar("Model", bound=BaseModel)


def validate_records(model: type[Model], records: Iterable[Mapping[str, Any]]) -> tuple[Model, ...]:
    """One ``model`` per record, validated strictly by the model's compiled validator.

    The loaders have already checked every column, so the records hold the exact Python types
    and pydantic only confirms them; calling the validator directly (rather than
    ``model_validate``) and building the records inside the paused collector keeps a million
    rows to a couple of seconds.
    """
    validate = model.__pydantic_validator__.validate_python
    with collector_paused():
        return tuple(validate(record, strict=True) for record in records)


def date_objects(dates: pd.Series) -> list[dt.date | None]:
    """datetime64 values as ``datetime.date`` (None for NaT), converted in one array pass."""
    return dates.to_numpy().astype("datetime64[D]").astype(object).tolist()


def none_where(values: pd.Series, mask: pd.Series) -> list[Any]:
    """The values as Python objects, with None where ``mask`` is true (blank or NaN cells)."""
    return np.where(mask.to_numpy(), None, values.to_numpy(dtype=object)).tolist()
