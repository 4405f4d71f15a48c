"""SCIM filters and sorting as SQL over officers and their provisioning link.

Every leaf is TRUE or FALSE, never NULL (NOT is three-valued in SQL), with the semantics of the
library's in-memory evaluator: `eq null` is IS NULL, `ne v` holds for a missing value, co/sw/ew
never match a non-string, `pr` is false for "". Strings compare through keys computed in Python
(NFC + casefold) where we keep one; elsewhere lower(), which folds ASCII only (documented)."""

from __future__ import annotations

import uuid
from typing import Any

from scim2_models import InvalidFilterException, InvalidPathException, SearchRequest
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
    coerce_value,
)
from sqlalchemy import String, and_, false, func, not_, or_, true

from domain.models.officers import Officer
from domain.models.officers import ProvisioningLink as Link
from domain.scim.schema import ENTERPRISE_USER, OFFICER

CORE = "urn:ietf:params:scim:schemas:core:2.0:user:"
ENT = ENTERPRISE_USER.lower() + ":"
OFF = OFFICER.lower() + ":"

# lower-cased attribute URN -> (column, its key column or None)
SCALARS: dict[str, tuple[Any, Any]] = {
    CORE + "username": (Officer.user_name, Officer.user_name_key),
    CORE + "externalid": (Link.external_id, None),
    CORE + "displayname": (Link.display_name, Link.display_name_key),
    CORE + "title": (Officer.job_title, None),
    CORE + "name.formatted": (Link.formatted_name, Link.formatted_name_key),
    CORE + "name.givenname": (Link.given_name, Link.given_name_key),
    CORE + "name.familyname": (Link.family_name, Link.family_name_key),
    CORE + "meta.created": (Officer.created_at, None),
    CORE + "meta.lastmodified": (Officer.updated_at, None),
    ENT + "employeenumber": (Link.employee_number, None),
    ENT + "organization": (Link.organization, None),
    ENT + "department": (Link.department, None),
    OFF + "rank": (Officer.rank, None),
    OFF + "sex": (Officer.sex, None),
    OFF + "arabicname": (
        Officer.full_name_ar,
        Officer.full_name_ar,
    ),  # Arabic has no case: NFC-stored text is its own key
}


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _is_text(column: Any) -> bool:
    return isinstance(column.type, String) and not hasattr(column.type, "enums")


def compare(column: Any, key: Any, binding: Any, op: CompareOperator, raw: Any) -> Any:
    value = coerce_value(binding, raw, op)
    if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew) and not _is_text(column):
        return false()
    if value is None:
        return (
            column.is_(None)
            if op == CompareOperator.eq
            else column.is_not(None)
            if op == CompareOperator.ne
            else false()
        )
    if isinstance(value, str):
        value = binding.comparable(value)
        if key is None:
            key = column if binding.case_exact else func.lower(column)
    else:
        key = column
    present = column.is_not(None)
    match op:
        case CompareOperator.eq:
            return and_(present, key == value)
        case CompareOperator.ne:
            return or_(column.is_(None), key != value)
        case CompareOperator.co:
            return and_(present, key.like(f"%{_like(value)}%", escape="\\"))
        case CompareOperator.sw:
            return and_(present, key.like(f"{_like(value)}%", escape="\\"))
        case CompareOperator.ew:
            return and_(present, key.like(f"%{_like(value)}", escape="\\"))
        case CompareOperator.gt:
            return and_(present, key > value)
        case CompareOperator.ge:
            return and_(present, key >= value)
        case CompareOperator.lt:
            return and_(present, key < value)
        case _:
            return and_(present, key <= value)


def _email_value(binding: Any, op: CompareOperator, raw: Any) -> Any:
    """emails.value against the newline-joined keys: any value matches (ne: none equals)."""
    value = coerce_value(binding, raw, op)
    keys = Link.email_keys
    if value is None:
        return (
            keys.is_(None) if op == CompareOperator.eq else keys.is_not(None) if op == CompareOperator.ne else false()
        )
    value = _like(binding.comparable(value))
    patterns = {
        CompareOperator.eq: f"%\n{value}\n%",
        CompareOperator.ne: f"%\n{value}\n%",
        CompareOperator.co: f"%{value}%",
        CompareOperator.sw: f"%\n{value}%",
        CompareOperator.ew: f"%{value}\n%",
    }
    if op not in patterns:
        raise InvalidFilterException(detail="emails.value supports eq, ne, co, sw and ew")
    matched = and_(keys.is_not(None), keys.like(patterns[op], escape="\\"))
    return not_(matched) if op == CompareOperator.ne else matched


# Comparisons a filter may hold, and its length. Identity providers send one or two comparisons;
# a chain of a thousand ORs passes SQLite's limit on an expression's depth (1,000), and parsing
# one takes the event loop 0.15 s (measured): the length is checked before the parser runs.
MAX_FILTER_TERMS = 100
MAX_FILTER_CHARS = 4096


def check_filter_length(payload: Any) -> None:
    """Refuses a search whose filter is longer than MAX_FILTER_CHARS, before it is parsed."""
    for key, value in payload.items() if isinstance(payload, dict) else ():
        if str(key).casefold() == "filter" and isinstance(value, str) and len(value) > MAX_FILTER_CHARS:
            raise InvalidFilterException(
                detail=f"the filter is {len(value)} characters long; at most {MAX_FILTER_CHARS} are read"
            )


def _terms(node: Any) -> int:
    """The comparisons in a filter (its nesting is bounded by the parser, so recursion is safe)."""
    if isinstance(node, LogicalExpr):
        return sum(_terms(term) for term in node.terms)
    if isinstance(node, Not):
        return _terms(node.expr)
    if isinstance(node, ValuePath):
        return _terms(node.val_filter)
    return 1


class SqlFilter(FilterVisitor[Any]):
    def __init__(self, scim_filter: Any):
        self.filter = scim_filter
        if (terms := _terms(scim_filter.ast)) > MAX_FILTER_TERMS:
            raise InvalidFilterException(
                detail=f"the filter has {terms} comparisons; at most {MAX_FILTER_TERMS} are evaluated"
            )

    def visit_comparison(self, node: Comparison) -> Any:
        binding = self.filter.resolve_comparison(node.attr_path, strict=False)
        if binding is None:
            return false()
        urn = binding.urn.lower()
        if binding.field_name == "emails":
            if (binding.sub_field_name or "value") != "value":
                raise InvalidFilterException(detail="emails can be filtered on their value only")
            return _email_value(binding, node.op, node.value)
        if urn == CORE + "active":
            value = coerce_value(binding, node.value, node.op)
            if node.op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, bool):
                return false() if node.op != CompareOperator.ne else true()
            wanted = value if node.op == CompareOperator.eq else not value
            return Officer.deactivated_at.is_(None) if wanted else Officer.deactivated_at.is_not(None)
        if urn == CORE + "id":
            try:
                officer_id = uuid.UUID(str(node.value))
            except ValueError:
                return false() if node.op != CompareOperator.ne else true()
            if node.op not in (CompareOperator.eq, CompareOperator.ne):
                raise InvalidFilterException(detail="id supports eq and ne")
            return Officer.id == officer_id if node.op == CompareOperator.eq else Officer.id != officer_id
        try:
            column, key = SCALARS[urn]
        except KeyError:
            raise InvalidFilterException(detail=f"cannot filter on {node.attr_path}") from None
        return compare(column, key, binding, node.op, node.value)

    def visit_present(self, node: Present) -> Any:
        binding = self.filter.resolve(node.attr_path, strict=False)
        if binding is None:
            return false()
        urn = binding.urn.lower()
        if binding.field_name == "emails":
            return Link.email_keys.is_not(None)
        if binding.field_name == "name" and not binding.sub_field_name:
            return or_(
                *[and_(c.is_not(None), c != "") for c in (Link.formatted_name, Link.given_name, Link.family_name)]
            )
        if urn in (CORE + "active", CORE + "id"):  # every officer has both
            return true()
        try:
            column, _ = SCALARS[urn]
        except KeyError:
            raise InvalidFilterException(detail=f"cannot filter on {node.attr_path}") from None
        return and_(column.is_not(None), column != "") if _is_text(column) else column.is_not(None)

    def visit_not(self, node: Not) -> Any:
        return not_(self.visit(node.expr))

    def visit_logical_expr(self, node: LogicalExpr) -> Any:
        terms = [self.visit(t) for t in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_value_path(self, node: ValuePath) -> Any:
        raise InvalidFilterException(detail=f"value filters ({node.attr_path}[...]) are not supported in searches")


def order_by(search_request: SearchRequest[Any], model: Any) -> list[Any]:
    """ORDER BY for sortBy (missing values last ascending, first descending), id breaking ties."""
    if search_request.sort_by is None:
        return [Officer.created_at, Officer.id]
    binding = search_request.sort_binding(model)
    if binding is None:
        return [Officer.created_at, Officer.id]
    try:
        column, key = SCALARS[binding.urn.lower()]
    except KeyError:
        raise InvalidPathException(
            path=str(search_request.sort_by), detail=f"cannot sort on {search_request.sort_by}"
        ) from None
    if key is None and _is_text(column) and not binding.case_exact:
        key = func.lower(column)
    key = column if key is None else key
    if search_request.sort_order == SearchRequest.SortOrder.descending:
        return [column.is_(None).desc(), key.desc(), Officer.id]
    return [column.is_(None).asc(), key.asc(), Officer.id]
