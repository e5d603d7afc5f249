"""Creator compute hooks that write beside the row (docs/creator.md): a content item made from a
template counts one more use of that template, in the same transaction."""

from __future__ import annotations

from whitecell.core import crud
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import REGISTRY, ComputeContext


async def count_template_use(ctx: ComputeContext) -> None:
    """On create, `reusageCount + 1` on the item's template; `templateId` cannot change later."""
    template_id = ctx.document.get("templateId")
    if ctx.previous is not None:
        if "templateId" in ctx.sent and template_id != ctx.previous.get("templateId"):
            raise ValidationFailed.field(
                "templateId", "is set when the item is created and cannot change"
            )
        return
    if template_id:
        await crud.update_server_rows(
            ctx.tx,
            REGISTRY["content_templates"],
            '"_id" = :id',
            {"id": template_id},
            {},
            increments={"reusageCount": 1},
        )
