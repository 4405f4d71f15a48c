"""Which nominations a principal may know exist: those of officers within their need-to-know."""

from sqlalchemy import ColumnElement, select

from domain.auth.principal import Principal
from domain.auth.scoping import officer_visible
from domain.enrolment.models import Nomination
from domain.officers.models import Officer


def nomination_visible(principal: Principal) -> ColumnElement[bool]:
    return Nomination.officer_id.in_(select(Officer.id).where(officer_visible(principal)))
