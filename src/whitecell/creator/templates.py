"""A content template's script filled in with given values (docs/creator.md, "Templates")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import Field

from whitecell.auth.dependencies import Context, SignedIn
from whitecell.core import crud
from whitecell.core.errors import ValidationFailed
from whitecell.core.resources import json_response
from whitecell.core.schemas import WriteModel
from whitecell.core.types import Text
from whitecell.creator.scripts import placeholders, render_script
from whitecell.creator.tables import CONTENT_TEMPLATES

router = APIRouter(prefix="/api/v1/content_templates", tags=["creator"])


class Values(WriteModel):
    values: Annotated[
        dict[str, Annotated[Text, Field(max_length=10_000)]], Field(max_length=100)
    ] = {}


@router.post("/{template_id}/render", summary="Fill a template's script with values")
async def render(template_id: str, body: Values, caller: SignedIn, ctx: Context) -> Response:
    """`scriptTemplate` with each `{{placeholder}}` replaced by `values[placeholder]`. A
    placeholder without a value, or a value without a placeholder, is a 422 naming it
    (`values.<name>`). Rendering writes nothing: `reusageCount` counts content items made from
    the template (`templateId`)."""
    async with ctx.store.read() as tx:
        template = await crud.get(tx, CONTENT_TEMPLATES, caller, template_id)
    source = template["scriptTemplate"]
    if source is None:
        raise ValidationFailed.field("scriptTemplate", "this template has no script to fill")
    script = render_script(source, body.values)
    return json_response(
        {"templateId": template_id, "placeholders": placeholders(source), "script": script}
    )
