"""Creator compute hooks that read or write beside the row (docs/creator.md): a content item's
place at the end of its board column and its status and metrics histories, and the use it counts
of the template it was made from."""

from __future__ import annotations

from whitecell.core import crud
from whitecell.core.errors import ValidationFailed
from whitecell.core.tables import REGISTRY, ComputeContext
from whitecell.core.transactions import Tx
from whitecell.creator.rules import kept_history, metrics_point, status_change


async def next_position(tx: Tx, user_id: str, status: str) -> int:
    """The position after the last item of the user's `status` column."""
    last = await tx.scalar(
        'SELECT max("position") FROM content_items WHERE "userId" = :me AND status = :status',
        {"me": user_id, "status": status},
    )
    return 0 if last is None else int(last) + 1


async def track_item(ctx: ComputeContext) -> None:
    """A new item goes last in its column with its first history entry; a status changed by an
    edit (not a move) goes last in its new column and is recorded `via: "edit"`; new metrics are
    appended to `metricsHistory`."""
    document, previous = ctx.document, ctx.previous
    if previous is None:
        at = document["createdAt"]
        document["position"] = await next_position(ctx.tx, document["userId"], document["status"])
        document["statusHistory"] = [status_change(document["status"], at, "create")]
        document["metricsHistory"] = []
    else:
        at = document["updatedAt"]
        if document["status"] != previous["status"]:
            document["position"] = await next_position(
                ctx.tx, document["userId"], document["status"]
            )
            document["statusHistory"] = kept_history(
                [*previous["statusHistory"], status_change(document["status"], at, "edit")]
            )
    metrics = document.get("metrics")
    if metrics is not None and (previous is None or metrics != previous.get("metrics")):
        document["metricsHistory"] = kept_history(
            [*document["metricsHistory"], metrics_point(metrics, at)]
        )


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
