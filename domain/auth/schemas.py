"""What the token endpoint and /me answer."""

import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from domain import i18n
from domain.auth.principal import Role
from domain.schemas import InputModel, PatchModel, ReadModel


def _served_language(tag: str) -> str:
    served = i18n.supported(tag)
    if served is None:
        raise ValueError(f"not a language served here; use one of: {', '.join(i18n.LANGUAGES)}")
    return served


def _any_case(tag: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in tag)


# A BCP 47 language tag whose language is served (ar, ar-IQ, en-GB...), stored as that language (ar).
LanguageTag = Annotated[
    str,
    Field(
        min_length=2,
        max_length=35,
        pattern=rf"^({'|'.join(_any_case(t) for t in i18n.LANGUAGES)})(-[A-Za-z0-9]{{1,8}})*$",
        examples=["ar"],
    ),
    AfterValidator(_served_language),
]
# CLDR numbering systems: Latin digits (0-9) or Arabic-Indic ones (٠-٩).
Digits = Literal["latn", "arab"]


class PasswordChange(InputModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=12, max_length=200, description="At least 12 characters")


class TokenResponse(ReadModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str | None = None


class MeRead(ReadModel):
    id: uuid.UUID | None
    kind: str
    name: str
    role: Role
    agency_id: uuid.UUID | None
    trainer_id: uuid.UUID | None
    programme_ids: list[uuid.UUID]
    permissions: list[str]
    language: str | None = Field(
        None, description="The saved language (BCP 47); null: the Accept-Language of each request"
    )
    digits: str | None = Field(None, description="latn (0-9) or arab (٠-٩); null: Latin")


class MeUpdate(PatchModel):
    """A person's own preferences: the language of pages, problem titles and messages, and digits."""

    nullable = frozenset({"language", "digits"})

    language: LanguageTag | None = None
    digits: Digits | None = None
