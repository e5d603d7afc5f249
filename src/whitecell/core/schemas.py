"""Base shapes for the API: spec field names, UTC timestamps with `Z`, strict writes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import InitErrorDetails, PydanticCustomError

from whitecell.core.clock import isoformat_z
from whitecell.core.types import unstorable_text_at

UTCDatetime = Annotated[
    datetime, PlainSerializer(isoformat_z, return_type=str, when_used="json-unless-none")
]


class ReadModel(BaseModel):
    """A response document: built from a row's mapping, serialized with the spec's names (`_id`)."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True, serialize_by_alias=True)


class WriteModel(BaseModel):
    """A request body: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        # JSON may escape half a surrogate pair ("\ud800"); Python keeps it, and then no
        # database can store it. Refused once here for the whole body, named where it stands.
        where = unstorable_text_at(data)
        if where is None:
            return data
        error = PydanticCustomError(
            "string_unicode", "must be valid Unicode text (a lone surrogate cannot be stored)"
        )
        details = InitErrorDetails(type=error, loc=where, input="")
        raise ValidationError.from_exception_data(cls.__name__, [details])


def _reject_server_owned(value: Any) -> Any:
    raise PydanticCustomError("read_only", "is set by the server and cannot be written")


ServerOwned = SkipJsonSchema[Annotated[Any, BeforeValidator(_reject_server_owned)]]


def with_server_owned(model: type[WriteModel], names: Iterable[str]) -> type[WriteModel]:
    """`model` plus fields that exist on the document but answer 422 "set by the server" if sent."""
    fields: dict[str, Any] = {}
    for name in names:
        if name.startswith("_"):
            fields[name.lstrip("_") + "_"] = (ServerOwned, Field(None, alias=name))
        else:
            fields[name] = (ServerOwned, None)
    return create_model(model.__name__, __base__=model, **fields)
