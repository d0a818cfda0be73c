"""Lending agreements as the API shows them, a borrower's request, and the settlement of one."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from ..bounds import AGREEMENT
from ..models import AgreementStatus, Payer, WorkerKind
from ..services.lending.agreements import MAX_RATE
from .common import Int, StrictSchema, bounded
from .shifts import MONEY, MONEY_INPUT


def _rate_in_range(value: Decimal) -> None:
    # A function, not validate.Range: the document types money as a string, with no maximum.
    if not Decimal(0) <= value <= MAX_RATE:
        raise ValidationError(str(_l("Enter an hourly rate in yuan, 0 or more.")))


class FactoryRefSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


class AgreementSchema(StrictSchema):
    """No personal numbers: the worker's name and kind only. The worker's own view leaves out
    the terms between the two factories (settlement_rate_cny, note)."""

    id = fields.Integer(dump_only=True)
    worker_id = fields.Integer(dump_only=True)
    worker_name = fields.String(dump_only=True)
    worker_kind = fields.Enum(WorkerKind, by_value=True, dump_only=True)
    lender = fields.Nested(FactoryRefSchema, dump_only=True)
    borrower = fields.Nested(FactoryRefSchema, dump_only=True)
    starts_on = fields.Date(dump_only=True)
    ends_on = fields.Date(dump_only=True)
    wage_payer = fields.Enum(Payer, by_value=True, dump_only=True)
    insurance_payer = fields.Enum(Payer, by_value=True, dump_only=True)
    settlement_rate_cny = fields.Decimal(
        as_string=True, dump_only=True, metadata={**MONEY, "description": "Per hour, to the lender"}
    )
    note = fields.String(dump_only=True)
    status = fields.Enum(AgreementStatus, by_value=True, dump_only=True)
    decision_reason = fields.String(dump_only=True, allow_none=True)
    decided_at = fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class AgreementListSchema(StrictSchema):
    items = fields.List(fields.Nested(AgreementSchema), dump_only=True)


class AgreementListArgsSchema(StrictSchema):
    factory_id = Int(
        load_default=None,
        metadata={"description": "Factory staff: only this factory's agreements (either side)"},
    )


class AgreementRequestSchema(StrictSchema):
    """The borrowing factory's staff ask an idle employee's employer to lend them."""

    worker_id = Int(required=True)
    borrower_factory_id = Int(
        load_default=None,
        metadata={"description": "For staff of several factories; else their first one"},
    )
    starts_on = bounded(fields.Date, AGREEMENT, "First day (Shanghai)", required=True)
    ends_on = bounded(fields.Date, AGREEMENT, "Last day, inclusive", required=True)
    wage_payer = fields.String(required=True, validate=validate.OneOf([p.value for p in Payer]))
    insurance_payer = fields.String(
        required=True, validate=validate.OneOf([p.value for p in Payer])
    )
    settlement_rate_cny = fields.Decimal(
        required=True,
        as_string=True,
        allow_nan=False,
        validate=_rate_in_range,
        metadata={**MONEY_INPUT, "description": "Per hour worked, paid to the lender"},
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))
    shift_ids = fields.List(
        Int(),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "The borrower's shifts the loan is for"},
    )


class AgreementReportSchema(StrictSchema):
    """Hours worked under one agreement and what the borrower owes the lender for them."""

    agreement_id = fields.Function(
        lambda line: line.agreement.id, dump_only=True, metadata={"type": "integer"}
    )
    worker_name = fields.String(dump_only=True)
    lender_name = fields.String(dump_only=True)
    borrower_name = fields.String(dump_only=True)
    starts_on = fields.Date(dump_only=True)
    ends_on = fields.Date(dump_only=True)
    status = fields.Enum(AgreementStatus, by_value=True, dump_only=True)
    hours = fields.Decimal(
        as_string=True, dump_only=True, metadata={"type": "string", "format": "decimal"}
    )
    settlement_rate_cny = fields.Decimal(as_string=True, dump_only=True, metadata=MONEY)
    amount_due_cny = fields.Decimal(as_string=True, dump_only=True, metadata=MONEY)
