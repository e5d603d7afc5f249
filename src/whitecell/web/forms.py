"""Forms as the API checks bodies: the same pydantic models and the same problem details, turned
into messages shown beside their fields (docs/web.md, "Errors")."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from whitecell.core.errors import AppError

Model = TypeVar("Model", bound=BaseModel)
# A whole number as a form sends one: ASCII digits only (`str.isdigit` also takes "²", which
# `int` refuses).
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


class FormInvalid(Exception):
    """Field -> message (the field "" for the form as a whole)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def values(form: FormData, *names: str) -> dict[str, Any]:
    """The named fields that were filled in (an empty field counts as not sent)."""
    found: dict[str, Any] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip() != "":
            found[name] = value.strip()
    return found


def whole_number(text: object) -> int | None:
    """`text` as an integer if it is one written in ASCII digits, else None (left for the model
    to refuse beside its field, or for the caller's default)."""
    if not isinstance(text, str) or not WHOLE_NUMBER.fullmatch(text):
        return None
    try:
        return int(text)
    except ValueError:  # past Python's limit on the digits `int` converts (4300)
        return None


def parse(model: type[Model], data: dict[str, Any]) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FormInvalid(
            {
                ".".join(str(p) for p in e["loc"]) or "": e["msg"].removeprefix("Value error, ")
                for e in error.errors()
            }
        ) from None


def problem_errors(error: FormInvalid | AppError) -> dict[str, str]:
    """A refused form's messages: a form that did not parse, as it says; an API error, each
    named field's message, else its detail for the whole form."""
    if isinstance(error, FormInvalid):
        return error.errors
    if error.errors:
        return {e.field: e.message for e in error.errors}
    return {"": error.detail}


def refusal_status(error: FormInvalid | AppError) -> int:
    """The status a refused form answers with: 422 for a form that did not parse, else the API
    error's own."""
    return 422 if isinstance(error, FormInvalid) else error.status
