"""Every table of the schema, imported in one place so Alembic and tests see the whole metadata."""

from whitecell.auth.models import OtpToken, Session
from whitecell.core.ratelimit import RateLimitCounter
from whitecell.users.models import User

__all__ = ["OtpToken", "RateLimitCounter", "Session", "User"]
