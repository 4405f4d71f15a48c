"""Helpers every area's service uses: fetch or 404, patch with If-Match, flush with unique
keys mapped to conflicts, and delete only what nothing refers to."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import Column, Select, func, literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.audit.service import Actor, record_change
from domain.db import Base, Entity, internal, table_of, utcnow
from domain.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from domain.i18n import Translatable, translatable
from domain.schemas import Reference

E = TypeVar("E", bound=Entity)


def label(model: type[Base]) -> str:
    """A readable singular for messages: "agencies" -> "agency", "training_sessions" -> "training session"."""
    name: str = model.__tablename__
    name = name[:-3] + "y" if name.endswith("ies") else name[:-1] if name.endswith("s") else name
    return name.replace("_", " ")


def noun(model: type[Base]) -> Translatable:
    """label(), rendered in the reader's language where a message names it (domain/i18n/nouns.py)."""
    return Translatable(label(model))


async def get_or_404(
    session: AsyncSession, model: type[E], id_: uuid.UUID, *, options: tuple[Any, ...] = (), where: tuple[Any, ...] = ()
) -> E:
    stmt = select(model).where(model.id == id_, *where).options(*options)
    obj = (await session.scalars(stmt)).first()
    if obj is None:
        raise not_found(model, id_)
    return obj


def not_found(model: type[Base], id_: uuid.UUID) -> NotFound:
    """The 404 of get_or_404, for a service that reads its row with a statement of its own."""
    return NotFound(
        translatable("No {label} with id {id}.", label=noun(model), id=id_), entity=model.__tablename__, id=str(id_)
    )


def check_version(obj: Entity, expected_version: int | None) -> None:
    """If-Match: the client must have seen the current version."""
    if expected_version is not None and obj.version != expected_version:
        raise PreconditionFailed(
            translatable(
                "The {label} changed since you read it (version {version}, you sent {expected_version}).",
                label=noun(type(obj)),
                version=obj.version,
                expected_version=expected_version,
            ),
            current_version=obj.version,
        )


def apply_changes(obj: Any, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the given fields; return {field: (before, after)} for those that really changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    for field, value in data.items():
        before = getattr(obj, field)
        if before != value:
            setattr(obj, field, value)
            changes[field] = (before, value)
    return changes


def snapshot(obj: Any, fields: list[str]) -> dict[str, tuple[Any, Any]]:
    return {f: (None, getattr(obj, f)) for f in fields}


async def flush_or_conflict(session: AsyncSession, what: str | Translatable) -> None:
    """Flush in a savepoint so a unique-key clash becomes a 409 and the transaction survives."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            translatable(
                "{what} clashes with an existing record: {constraint}.",
                what=what if isinstance(what, Translatable) else Translatable(what),
                constraint=_constraint(exc),
            ),
            code="unique-conflict",
        ) from None


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    return diag or str(exc.orig).splitlines()[0]


def _pk(model: type[Base]) -> Column[Any]:
    # Every table here has a one-column primary key (a uuid id or a vocabulary's code).
    return table_of(model).primary_key.columns.values()[0]


async def references_to(session: AsyncSession, obj: Base) -> dict[str, int]:
    """Count the rows of every table whose foreign keys point at `obj`, in one query."""
    table = type(obj).__table__
    pk = _pk(type(obj))
    value = getattr(obj, pk.key)
    counts: list[Select[str, int]] = []
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                counts.append(
                    select(literal(f"{other.name}.{fk.parent.name}").label("ref"), func.count().label("n"))
                    .select_from(other)
                    .where(fk.parent == value)
                )
    if not counts:
        return {}
    rows = (await session.execute(internal(union_all(*counts), "how many rows refer to a record: counts only"))).all()
    return {ref: n for ref, n in rows if n}


async def delete_unreferenced(session: AsyncSession, obj: Base, *, ignore: frozenset[str] = frozenset()) -> None:
    """Delete is a 409 while something refers to the record; the body says what does.
    `ignore` names references the record owns and that go with it (association rows)."""
    refs = {k: v for k, v in (await references_to(session, obj)).items() if k not in ignore}
    if refs:
        listed = ", ".join(f"{n} in {ref}" for ref, n in sorted(refs.items()))
        raise Conflict(
            translatable("The {label} is still referred to ({listed}).", label=noun(type(obj)), listed=listed),
            code="in-use",
            title="Record in use",
            references=[Reference(reference=ref, count=n).model_dump() for ref, n in sorted(refs.items())],
        )
    await session.delete(obj)
    await session.flush()


async def create_entity(session: AsyncSession, *, principal: Actor, entity: str, obj: E, audit_fields: list[str]) -> E:
    """Add, flush (a unique clash is a 409) and audit a new record."""
    session.add(obj)
    await flush_or_conflict(session, translatable("The {label}", label=Translatable(entity)))
    record_change(
        session,
        principal=principal,
        action="created",
        entity=entity,
        entity_id=obj.id,
        changes=snapshot(obj, audit_fields),
    )
    return obj


async def update_entity(
    session: AsyncSession,
    *,
    principal: Actor,
    entity: str,
    obj: E,
    data: dict[str, Any],
    expected_version: int | None,
    extra_changes: dict[str, tuple[Any, Any]] | None = None,
) -> E:
    """Apply a PATCH after the If-Match check; audit only the fields that really changed."""
    check_version(obj, expected_version)
    changes = apply_changes(obj, data) | (extra_changes or {})
    if changes:
        if extra_changes:
            obj.updated_at = utcnow()  # association-only changes must still bump the version
        await flush_or_conflict(session, translatable("The {label}", label=Translatable(entity)))
        record_change(session, principal=principal, action="updated", entity=entity, entity_id=obj.id, changes=changes)
    return obj


async def delete_entity(
    session: AsyncSession,
    *,
    principal: Actor,
    entity: str,
    obj: Base,
    expected_version: int | None,
    owned: frozenset[str] = frozenset(),
) -> None:
    if isinstance(obj, Entity):
        check_version(obj, expected_version)
    entity_id = getattr(obj, "id", None) or getattr(obj, "code", None)
    await delete_unreferenced(session, obj, ignore=owned)
    record_change(session, principal=principal, action="deleted", entity=entity, entity_id=entity_id)


async def ensure_exists(session: AsyncSession, model: type[Base], id_: Any, *, field: str) -> None:
    """A body field that refers to another record: an unknown id is a 422 naming the field."""
    if id_ is None:
        return
    pk = _pk(model)
    if (await session.scalar(select(pk).where(pk == id_))) is None:
        raise InvalidInput(
            translatable("{field} refers to no existing {label}.", field=field, label=noun(model)),
            errors=[{"field": field, "message": f"unknown {label(model)} {id_}"}],
        )


async def load_many(session: AsyncSession, model: type[E], ids: list[Any], *, field: str) -> list[E]:
    """The records a body field lists by id (duplicates ignored); a 422 names every unknown one."""
    ids = list(dict.fromkeys(ids))
    found = list(await session.scalars(select(model).where(model.id.in_(ids)))) if ids else []
    missing = sorted(str(i) for i in set(ids) - {obj.id for obj in found})
    if missing:
        raise InvalidInput(
            translatable("Unknown {label}(s) in {field}.", label=noun(model), field=field),
            errors=[{"field": field, "message": f"unknown {label(model)} {m}"} for m in missing],
        )
    return found
