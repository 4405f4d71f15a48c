"""Shared schema bases: strict inputs, attribute-reading outputs, PATCH semantics."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from domain.text import visible

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), Field(description="ISO 3166-1 alpha-2, e.g. IQ")]


def _visible(value: Any) -> Any:
    return visible(value) if isinstance(value, str) else value


# Invisible characters out (bidi controls, zero-width characters: domain/text.py), before the
# whitespace is stripped and the length checked, so that a name of nothing but them is refused as
# empty. Every officer, account and record name passes through one of these (REST, upsert, SCIM
# and imports validate with the officers' schemas).
class _Visible:
    """The BeforeValidator above, and in the documented schema a pattern saying what the server
    holds a required name to: something that shows (not only whitespace and invisible marks)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_before_validator_function(_visible, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        if json_schema.get("type") == "string" and json_schema.get("minLength", 0) >= 1:
            json_schema.setdefault("pattern", SHOWS_VISIBLE)
        return json_schema


Visible = _Visible()
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Visible]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), Visible]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Fraction = Annotated[float, Field(ge=0, le=1)]

# Dates and instants in and out of the calendar the product plans for. The bounds keep arithmetic
# (a year's validity, a conversion to UTC) far from the ends of Python's calendar, and they hold
# before any conversion: 9999-12-31T20:00:00-12:00 is refused, not overflowed.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)
_YEARS = "^(19|20|21)[0-9]{2}-"  # the same bounds, for generated clients and fuzzers


def _iso_text(value: Any) -> Any:
    """ISO 8601 text only: a bare number (which pydantic would read as Unix time) is refused."""
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and value.strip().lstrip("+-").replace(".", "", 1).isdigit()
    ):
        raise ValueError(
            "give an ISO 8601 date or date-time text, e.g. 2025-01-12 or 2025-01-12T09:00:00+03:00, not a number"
        )
    return value


def _in_calendar(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must fall between {EARLIEST} and {LATEST}")
    return value


Day = Annotated[
    date,
    BeforeValidator(_iso_text),
    AfterValidator(_in_calendar),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _YEARS}),
]
# An instant with an offset (a naive datetime is refused), stored and shown in UTC.
Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_text),
    AfterValidator(_in_calendar),
    AfterValidator(lambda v: v.astimezone(UTC)),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": _YEARS}),
]
# Free text in a filter or a search: bounded, so that no pattern grows past what the databases take.
SearchText = Annotated[str, StringConstraints(max_length=200)]


class InputModel(BaseModel):
    """Unknown fields are refused so that a misspelt field never passes silently; control
    characters such as NUL never reach the database."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Document the NUL rule on each free-text field, so that generated clients and fuzzers
        know it (a field with its own pattern or format already excludes NUL)."""
        schema = handler(core_schema)
        for prop in handler.resolve_ref_schema(schema).get("properties", {}).values():
            for alt in prop.get("anyOf", [prop]):
                if alt.get("type") == "string" and "pattern" not in alt and "format" not in alt and "enum" not in alt:
                    alt["pattern"] = SHOWS if alt.get("minLength", 0) >= 1 else NO_NUL
        return schema


NO_NUL = "^[^\\u0000]*$"
# Required text is stripped, so it must hold a character that is not whitespace (nor NUL); a name
# (Visible) also one that is not invisible (domain/text.py's marks of the Basic Multilingual Plane).
# Generated clients and fuzzers read these; the validators above are what enforce them.
SHOWS = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
SHOWS_VISIBLE = (
    "^[^\\u0000]*[^\\s\\u0000\\u00ad\\u034f\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2"
    "\\u115f\\u1160\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\u3164\\ufe00-\\ufe0f"
    "\\ufeff\\uffa0\\ufff9-\\ufffb][^\\u0000]*$"
)


class PatchModel(InputModel):
    """XUpdate: every field optional; only the fields sent change. `nullable` lists the fields
    that may be cleared with null; null for any other is refused."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self) -> Self:
        for field in self.model_fields_set:
            if getattr(self, field) is None and field not in self.nullable:
                raise ValueError(f"{field} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Document what the validator does: a field that may not be cleared is optional (leave it
        out) but never null; only the `nullable` ones advertise null."""
        schema = super().__get_pydantic_json_schema__(core_schema, handler)
        target = handler.resolve_ref_schema(schema)
        for name, prop in target.get("properties", {}).items():
            if name in cls.nullable or "anyOf" not in prop:
                continue
            kept = [alt for alt in prop["anyOf"] if alt.get("type") != "null"]
            if len(kept) == 1:
                del prop["anyOf"]
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
            if prop.get("default", ...) is None:
                del prop["default"]
        return schema


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class EntityRead(ReadModel):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class Warning_(BaseModel):
    code: str
    message: str


class Reference(BaseModel):
    """What still refers to a record that cannot be deleted (a 409 `in-use` lists them)."""

    reference: str = Field(examples=["modules.cycle_id"])
    count: int


class BookedResource(BaseModel):
    kind: Literal["venue", "trainer"]
    id: uuid.UUID
    name: str


class BookedSession(BaseModel):
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime


class BookedModule(BaseModel):
    id: uuid.UUID
    code: str
    title: str


class ScheduleConflict(BaseModel):
    """One double booking (a 409 `schedule-conflict` lists them): the resource, and the session
    and module that already hold it at that time."""

    resource: BookedResource
    session: BookedSession
    module: BookedModule


class FundingSource(InputModel):
    donor: ShortText = Field(examples=["EU"])
    instrument: ShortText | None = Field(None, examples=["Instrument contributing to Stability and Peace"])
