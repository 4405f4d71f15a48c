import re
import unicodedata
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field, field_validator

from domain.auth.schemas import LanguageTag
from domain.models.officers import Sex
from domain.schemas import Day, EntityRead, InputModel, Name, PatchModel, ReadModel, ShortText, Visible

_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")


def _arabic_script(value: str) -> str:
    if not _ARABIC_LETTER.search(value):
        raise ValueError("must be written in Arabic script (the authoritative spelling)")
    return unicodedata.normalize("NFC", value)  # stored composed, so that equality filters match


def _email(value: str) -> str:
    """A deliverable-looking address (email-validator's syntax rules, no DNS look-up), normalised
    (the domain in lower case): messages go to exactly this address, and to no other."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not an e-mail address: {exc}") from None


ArabicName = Annotated[
    Name, AfterValidator(_arabic_script), Field(json_schema_extra={"pattern": "[\u0621-\u064a\u0671-\u06d3]"})
]
Email = Annotated[
    str,
    Field(max_length=254, json_schema_extra={"format": "email"}, examples=["a.hussein@moi.example.iq"]),
    AfterValidator(_email),
]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ()-]{6,30}$")]


class NameParts(InputModel):
    """Given name + father's + grandfather's (+ great-grandfather's); the family or tribal name
    (laqab) is often absent. No first/last split is forced."""

    given: Name | None = None
    father: Name | None = None
    grandfather: Name | None = None
    great_grandfather: Name | None = None
    family: Name | None = None


class ExternalId(InputModel):
    source: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,59}$", examples=["mission-hr"])]
    id: Annotated[str, Field(min_length=1, max_length=200)]


def _unique_sources(values: list[ExternalId]) -> list[ExternalId]:
    if len({v.source for v in values}) != len(values):
        raise ValueError("one external id per source")
    return values


ExternalIds = Annotated[list[ExternalId], AfterValidator(_unique_sources)]
UserName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        examples=["a.hussein@moi.example"],
        description="The account name identity providers know the person by; unique, compared "
        "after Unicode NFC normalisation and case folding",
    ),
    Visible,
]


class OfficerFields(InputModel):
    """What a person is: every field an officer record holds."""

    agency_id: uuid.UUID
    full_name_ar: ArabicName = Field(examples=["أحمد علي حسين"])
    name_latin: Name = Field(examples=["Ahmed Ali Hussein"])
    name_parts: NameParts = Field(default_factory=NameParts)
    sex: Sex
    rank: ShortText | None = None
    job_title: ShortText | None = None
    email: Email | None = None
    language: LanguageTag | None = Field(
        None, description="The language of the messages sent to the officer (BCP 47: ar, en); null: English"
    )
    phone: Phone | None = None
    national_id: ShortText | None = None
    date_of_birth: Day | None = None
    place_of_birth: ShortText | None = None

    @field_validator("date_of_birth")
    @classmethod
    def _past(cls, value: date | None) -> date | None:
        if value is not None and value >= date.today():
            raise ValueError("date of birth must be in the past")
        return value


class OfficerCreate(OfficerFields):
    external_ids: ExternalIds = Field(default_factory=list)
    user_name: UserName | None = None
    active: bool = Field(True, description="false: recorded deactivated (cannot be nominated; history stays)")


class OfficerUpsert(OfficerFields):
    """PUT by external id: the whole record as the source knows it. Optional fields left out are
    cleared; the officer's other external ids, account name and active flag are kept."""


class OfficerUpdate(PatchModel):
    nullable = frozenset(
        {
            "rank",
            "job_title",
            "email",
            "language",
            "phone",
            "national_id",
            "date_of_birth",
            "place_of_birth",
            "user_name",
        }
    )

    agency_id: uuid.UUID | None = None
    full_name_ar: ArabicName | None = None
    name_latin: Name | None = None
    name_parts: NameParts | None = None
    sex: Sex | None = None
    rank: ShortText | None = None
    job_title: ShortText | None = None
    external_ids: ExternalIds | None = None
    email: Email | None = None
    language: LanguageTag | None = None
    phone: Phone | None = None
    national_id: ShortText | None = None
    date_of_birth: Day | None = None
    place_of_birth: ShortText | None = None
    user_name: UserName | None = None
    active: bool | None = Field(
        None, description="false deactivates (cannot be nominated; history stays); true reactivates"
    )


class ExternalIdRead(ReadModel):
    source: str
    id: str = Field(validation_alias="external_id")


class OfficerRead(EntityRead):
    agency_id: uuid.UUID
    full_name_ar: str
    name_latin: str
    name_parts: NameParts
    sex: Sex
    rank: str | None
    job_title: str | None
    external_ids: list[ExternalIdRead]
    email: str | None
    language: str | None = Field(description="The language of the messages sent to the officer; null: English")
    phone: str | None
    national_id: str | None
    date_of_birth: date | None
    place_of_birth: str | None
    user_name: str | None
    active: bool
    deactivated_at: datetime | None


class DuplicateCandidate(ReadModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    full_name_ar: str
    name_latin: str
    matched_on: str


class SharedKeyHolder(ReadModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    full_name_ar: str
    name_latin: str


class SharedKeyRead(ReadModel):
    """A key that officers of different agencies carry: the same person recorded twice, or two
    people an HR system confused. For a person to review; nothing is merged."""

    kind: Literal["external_id", "user_name", "national_id"]
    source: str | None = Field(description="The system an external id comes from; null for the other kinds")
    key: str = Field(description="The key as compared: an account name after NFC and case folding")
    officers: list[SharedKeyHolder] = Field(description="The officers within your reach that carry it, by agency")
