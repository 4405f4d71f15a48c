import uuid

from pydantic import Field

from domain.models.agencies import AgencyKind
from domain.schemas import CountryCode, EntityRead, InputModel, Name, PatchModel


class AgencyCreate(InputModel):
    name_en: Name = Field(examples=["Criminal Evidence Investigation Directorate"])
    name_ar: Name = Field(examples=["مديرية تحقيق الأدلة الجنائية"])
    name_ku: Name | None = None
    acronym: str | None = Field(None, max_length=40)
    parent_id: uuid.UUID | None = None
    kind: AgencyKind
    country: CountryCode = "IQ"


class AgencyUpdate(PatchModel):
    nullable = frozenset({"name_ku", "acronym", "parent_id"})

    name_en: Name | None = None
    name_ar: Name | None = None
    name_ku: Name | None = None
    acronym: str | None = Field(None, max_length=40)
    parent_id: uuid.UUID | None = None
    kind: AgencyKind | None = None
    country: CountryCode | None = None


class AgencyRead(EntityRead):
    name_en: str
    name_ar: str
    name_ku: str | None
    acronym: str | None
    parent_id: uuid.UUID | None
    kind: AgencyKind
    country: str
