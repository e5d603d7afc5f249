"""Every table of the schema, imported in one place so Alembic and tests see the whole metadata."""

from whitecell.ai import tables as ai_tables
from whitecell.auth import tables as auth_tables
from whitecell.auth.models import OtpToken, Session
from whitecell.core.changelog import CHANGE_LOG, CHANGE_LOG_HORIZON
from whitecell.core.ddl import build_all
from whitecell.core.ratelimit import RateLimitCounter
from whitecell.core.tables import REGISTRY
from whitecell.creator import tables as creator_tables
from whitecell.discipline import tables as discipline_tables
from whitecell.fitness import tables as fitness_tables
from whitecell.gamification import tables as gamification_tables
from whitecell.mind import tables as mind_tables
from whitecell.study import tables as study_tables
from whitecell.study.drafts import QUIZ_DRAFTS
from whitecell.system import tables as system_tables
from whitecell.users import tables as users_tables
from whitecell.users.models import User

DECLARED = (
    users_tables,
    auth_tables,
    study_tables,
    fitness_tables,
    mind_tables,
    discipline_tables,
    creator_tables,
    ai_tables,
    gamification_tables,
    system_tables,
)
SQL_TABLES = build_all(list(REGISTRY.values()))

__all__ = [
    "CHANGE_LOG",
    "CHANGE_LOG_HORIZON",
    "DECLARED",
    "QUIZ_DRAFTS",
    "REGISTRY",
    "SQL_TABLES",
    "OtpToken",
    "RateLimitCounter",
    "Session",
    "User",
]
