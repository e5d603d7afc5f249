"""Every domain and layer as the top floor sees it: its tables, its one router, its periodic
work, its part of the home screen. `app.py` (routes), `cleanup.py` (jobs), `models.py` (the
metadata), `home/` (today's summaries) and the demo iterate
this list; adding a domain engine touches its own folder plus one line here (style.md).

The order is the floors' (style.md, "Floors"), bottom up. It is the order of the hand-written
routes in the app, which all come before the generated ones (`app.py`), and of the cleanup's
steps.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Any

from fastapi import APIRouter

from whitecell.ai import routes as ai_routes
from whitecell.ai import tables as ai_tables
from whitecell.auth import jobs as auth_jobs
from whitecell.auth import routes as auth_routes
from whitecell.auth import tables as auth_tables
from whitecell.core.context import AppContext
from whitecell.core.transactions import Tx
from whitecell.creator import routes as creator_routes
from whitecell.creator import tables as creator_tables
from whitecell.discipline import jobs as discipline_jobs
from whitecell.discipline import routes as discipline_routes
from whitecell.discipline import tables as discipline_tables
from whitecell.discipline import today as discipline_today
from whitecell.fitness import routes as fitness_routes
from whitecell.fitness import tables as fitness_tables
from whitecell.fitness import today as fitness_today
from whitecell.gamification import jobs as gamification_jobs
from whitecell.gamification import routes as gamification_routes
from whitecell.gamification import tables as gamification_tables
from whitecell.gamification import today as gamification_today
from whitecell.mind import routes as mind_routes
from whitecell.mind import tables as mind_tables
from whitecell.mind import today as mind_today
from whitecell.realtime import routes as realtime_routes
from whitecell.study import jobs as study_jobs
from whitecell.study import routes as study_routes
from whitecell.study import tables as study_tables
from whitecell.study import today as study_today
from whitecell.system import jobs as system_jobs
from whitecell.system import routes as system_routes
from whitecell.system import tables as system_tables
from whitecell.users import tables as users_tables

# Periodic work: run by the cleanup job, it answers how many rows (or files) it removed, by what
# they are (`{"quiz_drafts": 3}`); `whitecell cleanup` prints the lot.
Job = Callable[[AppContext], Awaitable[dict[str, int]]]
# How far a change-log consumer has processed the log (None while it is not running).
LogOffset = Callable[[AppContext], Awaitable[int | None]]
# Its part of the home screen (`today.py`): the sections it adds for the user's local day.
TodaySummary = Callable[[Tx, dict[str, Any], date], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Domain:
    name: str  # as the tables' `module` says it
    tables: ModuleType | None = None  # its `tables.py`: declaring them registers them
    routes: APIRouter | None = None  # its `routes.py`: the hand-written routes
    jobs: tuple[Job, ...] = ()  # its `jobs.py`: what the cleanup job runs
    log_offset: LogOffset | None = None  # a consumer's: the cleanup trims nothing after it
    today: TodaySummary | None = None  # its `today.py`: its sections of the home screen


DOMAINS: tuple[Domain, ...] = (
    Domain("users", users_tables),
    Domain("auth", auth_tables, auth_routes.router, (auth_jobs.delete_expired_sign_ins,)),
    Domain(
        "study",
        study_tables,
        study_routes.router,
        (study_jobs.delete_abandoned_drafts,),
        today=study_today.today_summary,
    ),
    Domain("fitness", fitness_tables, fitness_routes.router, today=fitness_today.today_summary),
    Domain("mind", mind_tables, mind_routes.router, today=mind_today.today_summary),
    Domain(
        "discipline",
        discipline_tables,
        discipline_routes.router,
        (discipline_jobs.make_recurring_tasks,),
        today=discipline_today.today_summary,
    ),
    Domain("creator", creator_tables, creator_routes.router),
    Domain(
        "system",
        system_tables,
        system_routes.router,
        (system_jobs.delete_old_analytics,),
    ),
    Domain("ai", ai_tables, ai_routes.router),
    Domain(
        "gamification",
        gamification_tables,
        gamification_routes.router,
        (gamification_jobs.expire_broken_streaks,),
        log_offset=gamification_jobs.scored_through,
        today=gamification_today.today_summary,
    ),
    Domain("realtime", routes=realtime_routes.router),
)
