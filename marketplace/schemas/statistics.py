"""Return-to-work statistics as the API shows them: one block of figures per group."""

from marshmallow import fields

from ..bounds import FILTER
from .common import Int, StrictSchema, bounded


class StatisticsArgsSchema(StrictSchema):
    association_id = Int(
        load_default=None,
        metadata={"description": "Omit for the whole city (admins only)"},
    )
    first_day = bounded(
        fields.Date,
        FILTER,
        "Asia/Shanghai day; default two weeks ago, or 27 days before last_day",
        load_default=None,
    )
    last_day = bounded(
        fields.Date,
        FILTER,
        "Asia/Shanghai day, included; default 27 days after first_day",
        load_default=None,
    )


def _rate(description: str):
    return fields.Float(dump_only=True, allow_none=True, metadata={"description": description})


class FiguresSchema(StrictSchema):
    shifts_posted = fields.Integer(dump_only=True)
    places_posted = fields.Integer(dump_only=True)
    places_filled = fields.Integer(dump_only=True)
    fill_rate = _rate("places filled / places posted; null when nothing was posted")
    median_hours_to_fill = _rate("publication to the last place taken, over full shifts")
    applications = fields.Integer(dump_only=True)
    applications_per_place = _rate("applications / places posted")
    hours_worked = fields.Float(dump_only=True, metadata={"description": "hours, to two decimals"})
    places_taken = fields.Integer(
        dump_only=True, metadata={"description": "every place ever taken, cancelled ones included"}
    )
    no_shows = fields.Integer(dump_only=True)
    no_show_rate = _rate("no-shows / (completed + no-shows)")
    late_cancellations = fields.Integer(dump_only=True)
    late_cancel_rate = _rate("late cancellations by workers / places ever taken")


class DayFiguresSchema(FiguresSchema):
    day = fields.Date(dump_only=True)


class DistrictFiguresSchema(FiguresSchema):
    district_id = fields.Integer(dump_only=True)
    district = fields.String(dump_only=True, metadata={"description": "In the reader's language"})


class IndustryFiguresSchema(FiguresSchema):
    industry = fields.String(dump_only=True)


class LendingFiguresSchema(StrictSchema):
    active_agreements = fields.Integer(dump_only=True)
    hours_settled = fields.Float(dump_only=True, metadata={"description": "hours, to two decimals"})


class WeekShareSchema(StrictSchema):
    week_start = fields.Date(dump_only=True, metadata={"description": "The week's Monday"})
    member_factories = fields.Integer(dump_only=True)
    restarted = fields.Integer(
        dump_only=True, metadata={"description": "member factories with a place filled"}
    )
    share = _rate("restarted / member factories")


class StatisticsSchema(StrictSchema):
    association_id = fields.Integer(dump_only=True, allow_none=True)
    first_day = fields.Date(dump_only=True)
    last_day = fields.Date(dump_only=True)
    total = fields.Nested(FiguresSchema, dump_only=True)
    by_day = fields.List(fields.Nested(DayFiguresSchema), dump_only=True)
    by_district = fields.List(fields.Nested(DistrictFiguresSchema), dump_only=True)
    by_industry = fields.List(fields.Nested(IndustryFiguresSchema), dump_only=True)
    workers_by_kind = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        dump_only=True,
        metadata={"description": "workers holding a place, by kind"},
    )
    lending = fields.Nested(LendingFiguresSchema, dump_only=True)
    restarted_by_week = fields.List(fields.Nested(WeekShareSchema), dump_only=True)
