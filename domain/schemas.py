"""Shared schema bases: strict inputs, attribute-reading outputs, PATCH semantics."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), Field(description="ISO 3166-1 alpha-2, e.g. IQ")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Fraction = Annotated[float, Field(ge=0, le=1)]


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


class PatchModel(InputModel):
    """XUpdate: every field optional; only the fields sent change. `nullable` lists the fields
    that may be cleared with null; null for any other is refused."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null_for_required(self):
        for field in self.model_fields_set:
            if getattr(self, field) is None and field not in self.nullable:
                raise ValueError(f"{field} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


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


class FundingSource(InputModel):
    donor: ShortText = Field(examples=["EU"])
    instrument: ShortText | None = Field(None, examples=["Instrument contributing to Stability and Peace"])
