"""What /scim/v2 publishes: the User resource mapped onto officers, nothing we do not store.

scim2-tester writes random values into every published writable attribute and reads them back,
so each one here has a column (officers, or the provisioning link's profile). The Tadrib
extension carries what an officer needs: sex and the Arabic-script name are required (reports
are disaggregated by sex; the Arabic name is authoritative); the agency is required too, except
from a client bound to an agency, whose officers default to it: each client reads its own
description of the extension at /Schemas (domain/scim/discovery.py)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated, Any, cast

from pydantic import EmailStr, Field
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ComplexAttribute,
    Email,
    ETag,
    Extension,
    Filter,
    Mutability,
    Patch,
    PhoneNumber,
    Required,
    Resource,
    ResourceType,
    Returned,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

from domain.text import visible

CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
OFFICER = "urn:tadrib:params:scim:schemas:extension:officer:2.0:User"
MAX_RESULTS = 200
EXAMPLE_ARABIC_NAMES = ["علي حسن كريم", "زينب عباس جاسم", "مصطفى أحمد سلمان"]


class Name(ComplexAttribute):
    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class OfficerEmail(ComplexAttribute):
    value: EmailStr | None = None
    type: Email.Type | None = None
    primary: bool | None = None


class OfficerPhone(ComplexAttribute):
    value: str | None = None
    type: PhoneNumber.Type | None = None
    primary: bool | None = None


class User(Resource[AnyExtension]):
    """An officer, as an identity provider provisions them."""

    __schema__ = URN(CORE_USER)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    title: str | None = Field(None, description="The job title")
    preferred_language: str | None = Field(
        None,
        description="The language of the officer's messages (BCP 47, e.g. ar, en-US); kept when it is one Tadrib "
        "writes in (Arabic, English), else left unset",
    )
    # Always there: an identity provider reads a missing `active` as it likes (some as false). It
    # cannot be removed (RFC 7644 §3.5.2: required attributes MUST NOT be); omitted from a POST it
    # is true, and omitted from a PUT it keeps its value (service.py).
    active: Annotated[bool | None, Required.true, Returned.always] = Field(
        True,
        description="false: deactivated (cannot be nominated; history stays). A POST without it creates an active "
        "officer; a PUT without it keeps the officer's status.",
    )
    emails: list[OfficerEmail] | None = None
    phone_numbers: list[OfficerPhone] | None = None


class EnterpriseUser(Extension):
    """Enterprise User (RFC 7643 §4.3), the attributes Tadrib keeps."""

    __schema__ = URN(ENTERPRISE_USER)

    employee_number: str | None = None
    organization: str | None = None
    department: str | None = None


class Sex(StrEnum):
    male = "male"
    female = "female"


class Officer(Extension):
    """Tadrib officer: what a training record needs beyond the core User."""

    __schema__ = URN(OFFICER)

    # Its requirement, description and canonical values are the client's own (discovery.py).
    agency: str | None = Field(None, description="The officer's agency: its code (acronym) or its id.")
    agency_id: Annotated[str | None, Mutability.read_only, Returned.request] = Field(
        None, description="The agency's id (returned when asked for, e.g. attributes=...:agencyId)"
    )
    rank: str | None = None
    sex: Annotated[Sex | None, Required.true] = None
    arabic_name: Annotated[str | None, Required.true] = Field(
        None, examples=EXAMPLE_ARABIC_NAMES, description="The full name in Arabic script: the authoritative spelling"
    )


USER_TYPE = ResourceType.model_validate(
    {
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "Officers",
        "schema": CORE_USER,
        "schemaExtensions": [{"schema": ENTERPRISE_USER, "required": False}, {"schema": OFFICER, "required": True}],
    }
)

CONFIG = ServiceProviderConfig(
    documentation_uri=None,
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=True),
    etag=ETag(supported=True),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="OAuth Bearer Token",
            primary=True,
            description="A token of a machine client with scope scim (POST /api/v1/auth/token, client_credentials)",
        )
    ],
)


def comparison_key(binding: Any, value: str) -> str:
    """Invisible characters out, NFC, then case-folded unless caseExact: the same key the
    officers' user_name_key keeps."""
    normalized = unicodedata.normalize("NFC", visible(value))
    if binding.case_exact:
        return normalized
    return unicodedata.normalize("NFC", normalized.casefold())


# Tolerate what identity providers really send: Entra's value-filtered paths that match no entry
# yet (created), its `remove` with a value (applied), and attributes we do not keep (Entra's
# default mappings send addresses and manager; Okta may send password; preferredLanguage is kept
# as the officer's language when it is one served here, else dropped):
# accepted and dropped, never stored, rather than failing the whole provisioning.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    comparison_key=comparison_key,
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Officer], resource_types=[USER_TYPE], config=CONFIG, policy=POLICY
)
# User[EnterpriseUser, Officer]: what the storage reads and writes.
USER_MODEL = cast(type[User[Any]], PROVIDER.model_for(USER_TYPE))
