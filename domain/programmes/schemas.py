from pydantic import Field

from domain.schemas import EntityRead, FundingSource, InputModel, Name, PatchModel, ShortText


class ProgrammeCreate(InputModel):
    name: Name = Field(examples=["Counter-Terrorism Justice programme"])
    acronym: ShortText = Field(max_length=40, examples=["CT JUST"])
    implementer: Name
    funding_sources: list[FundingSource] = Field(default_factory=list)


class ProgrammeUpdate(PatchModel):
    name: Name | None = None
    acronym: ShortText | None = Field(None, max_length=40)
    implementer: Name | None = None
    funding_sources: list[FundingSource] | None = None


class ProgrammeRead(EntityRead):
    name: str
    acronym: str
    implementer: str
    funding_sources: list[FundingSource]
