"""Return-to-work statistics: an association's (its moderators) or the city's (admins)."""

from dataclasses import asdict

from ..i18n import LocalName
from ..schemas.statistics import StatisticsArgsSchema, StatisticsSchema
from ..services.stats import queries as stats
from .base import Blueprint
from .security import auth_required, current_actor

blp = Blueprint(
    "api_statistics",
    __name__,
    url_prefix="/statistics",
    description="Shifts and places posted and filled, workers placed, hours, lending, restarts.",
)


@blp.get("")
@auth_required(blp)
@blp.arguments(StatisticsArgsSchema, location="query")
@blp.response(200, StatisticsSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_statistics(args):
    """Figures over a window of days, in total and by day, district and industry."""
    found = stats.statistics(
        current_actor(), args["association_id"], args["first_day"], args["last_day"]
    )
    return {
        "association_id": found.association.id if found.association else None,
        "first_day": found.first_day,
        "last_day": found.last_day,
        "total": asdict(found.total),
        "by_day": [{"day": day, **asdict(f)} for day, f in found.by_day.items()],
        "by_district": [
            {"district_id": d.id, "district": str(LocalName(d)), **asdict(f)}
            for d, f in found.by_district.items()
        ],
        "by_industry": [{"industry": i, **asdict(f)} for i, f in found.by_industry.items()],
        "workers_by_kind": found.workers_by_kind,
        "lending": asdict(found.lending),
        "restarted_by_week": [asdict(week) for week in found.restarted],
    }
