"""Creator module tables: content_items, content_ideas, content_templates."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from whitecell.core.bodies import StrictObject
from whitecell.core.tables import (
    ComputeContext,
    Kind,
    Table,
    choice,
    day,
    integer,
    json_object,
    list_of,
    objects,
    reference,
    register,
    string,
    text,
    timestamp,
)
from whitecell.core.types import Int64, Timestamp
from whitecell.creator.hooks import count_template_use, track_item
from whitecell.creator.rules import known_platforms
from whitecell.creator.scripts import placeholders


class ContentMetrics(StrictObject):
    views: Int64 | None = Field(None, ge=0)
    likes: Int64 | None = Field(None, ge=0)
    comments: Int64 | None = Field(None, ge=0)
    shares: Int64 | None = Field(None, ge=0)


class StatusChange(StrictObject):
    status: Literal["ideation", "scripting", "production", "publishing"]
    at: Timestamp
    via: Literal["create", "move", "edit"]


class MetricsPoint(ContentMetrics):
    at: Timestamp


async def _content_item(ctx: ComputeContext) -> None:
    ctx.document["platform"] = known_platforms("platform", ctx.document["platform"])
    await count_template_use(ctx)
    await track_item(ctx)


async def _content_template(ctx: ComputeContext) -> None:
    ctx.document["platforms"] = known_platforms("platforms", ctx.document["platforms"])
    if ctx.sent.get("scriptTemplate") is not None:
        placeholders(ctx.sent["scriptTemplate"])  # a script that cannot render is refused now


CONTENT_ITEMS = Table(
    "content_items",
    "creator",
    {
        "title": string(max_length=300),
        "description": text(required=False, max_length=20_000),
        "platform": list_of(Kind.STRING, required=True, max_length=20, max_items=10),
        "status": choice("ideation", "scripting", "production", "publishing", default="ideation"),
        "category": string(required=False, max_length=100),
        "dueDate": day(required=False),
        "scheduledDate": timestamp(required=False),
        "links": list_of(Kind.STRING, max_length=2048, max_items=20),
        "metrics": json_object(ContentMetrics),
        "createdAt": timestamp(),
        # Additions (docs/creator.md): the idea it was promoted from, the template it was made from.
        "ideaId": reference("content_ideas", server=True),
        "templateId": reference("content_templates"),
        "updatedAt": timestamp(),
        # Additions (docs/creator.md): the board's order within a column, and the histories.
        "position": integer(default=0, server=True),
        "statusHistory": objects(StatusChange, required=False, server=True, max_items=10_000),
        "metricsHistory": objects(MetricsPoint, required=False, server=True, max_items=10_000),
    },
    indexes=[("userId", "status"), ("userId", "dueDate"), ("userId", "updatedAt")],
    extra_filters=("platform",),
    order="-updatedAt",
    created_at="createdAt",
    updated_at="updatedAt",
    compute=_content_item,
)

CONTENT_IDEAS = Table(
    "content_ideas",
    "creator",
    {
        "title": string(max_length=300),
        "category": choice("trending", "tutorial", "personal", "collab", "series", "evergreen"),
        "brainstormPoints": list_of(Kind.STRING, max_length=1000, max_items=100),
        "tags": list_of(Kind.STRING, max_length=50, max_items=50),
        "potential": choice("low", "medium", "high", default="medium"),
        "createdAt": timestamp(),
        # Additions (docs/creator.md): the content item it was promoted to, and when.
        "promotedTo": reference("content_items", server=True),
        "usedAt": timestamp(required=False, server=True),
    },
    indexes=[("userId", "category"), ("userId", "createdAt")],
    order="-createdAt",
    created_at="createdAt",
)

CONTENT_TEMPLATES = Table(
    "content_templates",
    "creator",
    {
        "name": string(max_length=200),
        "category": string(max_length=100),
        "outline": list_of(Kind.STRING, required=True, max_length=1000, max_items=100),
        "scriptTemplate": text(required=False, max_length=50_000),
        "platforms": list_of(Kind.STRING, required=True, max_length=20, max_items=10),
        "length": string(required=False, max_length=50),
        "reusageCount": integer(default=0, server=True),
    },
    indexes=[("userId", "category")],
    order="-_id",
    compute=_content_template,
)

register(CONTENT_ITEMS, CONTENT_IDEAS, CONTENT_TEMPLATES)
