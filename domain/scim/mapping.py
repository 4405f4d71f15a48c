"""A SCIM User <-> an officer and the provisioning link of the source that sent it."""

from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any

from pydantic import ValidationError
from scim2_models import InvalidValueException, Meta

from domain import i18n
from domain.models.agencies import Agency
from domain.models.officers import Officer, ProvisioningLink
from domain.officers.names import user_name_key
from domain.scim.schema import CORE_USER, ENTERPRISE_USER, OFFICER, USER_MODEL, EnterpriseUser, User
from domain.scim.schema import Officer as OfficerExtension
from domain.text import visible

_PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")
LINK_PROFILE = (
    "external_id",
    "display_name",
    "given_name",
    "family_name",
    "formatted_name",
    "employee_number",
    "department",
    "organization",
    "emails",
    "phones",
    "agency_ref",
    "preferred_language",
)
# Officer fields as SCIM names them, to say which attribute a refused value came from.
SCIM_NAMES = {
    "user_name": "userName",
    "job_title": "title",
    "full_name_ar": f"{OFFICER}:arabicName",
    "sex": f"{OFFICER}:sex",
    "rank": f"{OFFICER}:rank",
    "agency_id": f"{OFFICER}:agency",
    "name_latin": "name",
    "email": "emails",
    "phone": "phoneNumbers",
}


def version_tag(officer: Officer) -> str:
    return f'W/"{officer.version}"'


def _nfc(value: str | None) -> str | None:
    """As the officers' names are stored: NFC, without invisible characters (domain/text.py)."""
    return unicodedata.normalize("NFC", visible(value)) if value is not None else None


def _key(value: str | None) -> str | None:
    return user_name_key(value) if value is not None else None


def _present(**values: Any) -> dict[str, Any] | None:
    kept = {k: v for k, v in values.items() if v is not None}
    return kept or None


def _agency_reported(officer: Officer, link: ProvisioningLink, code: str | None) -> str | None:
    """The agency as the source named it while that still names the officer's agency; after a
    move made elsewhere, the agency's code (or id); nothing if the source never named one."""
    ref = link.agency_ref
    if ref is None:
        return None
    if ref == str(officer.agency_id) or (code is not None and ref.lower() == code.lower()):
        return ref
    return code or str(officer.agency_id)


def to_resource(officer: Officer, link: ProvisioningLink, agency_code: str | None) -> User[Any]:
    enterprise = _present(
        employeeNumber=link.employee_number, organization=link.organization, department=link.department
    )
    payload = {
        "schemas": [CORE_USER] + ([ENTERPRISE_USER] if enterprise else []) + [OFFICER],
        "id": str(officer.id),
        "externalId": link.external_id,
        "userName": officer.user_name,
        "displayName": link.display_name,
        "title": officer.job_title,
        "preferredLanguage": link.preferred_language,
        "active": officer.active,
        "name": _present(formatted=link.formatted_name, givenName=link.given_name, familyName=link.family_name),
        "emails": link.emails or None,
        "phoneNumbers": link.phones or None,
        ENTERPRISE_USER: enterprise,
        OFFICER: _present(
            agency=_agency_reported(officer, link, agency_code),
            agencyId=str(officer.agency_id),
            rank=officer.rank,
            sex=officer.sex.value,
            arabicName=officer.full_name_ar,
        ),
    }
    resource = USER_MODEL.model_validate({k: v for k, v in payload.items() if v is not None})
    resource.meta = Meta(
        resource_type="User", created=officer.created_at, last_modified=officer.updated_at, version=version_tag(officer)
    )
    return resource


def link_profile(resource: User[Any]) -> dict[str, Any]:
    """The provisioning link's columns for a resource (its keys computed here, once)."""
    name = resource.name
    enterprise = resource[EnterpriseUser]
    ext = resource[OfficerExtension]
    emails = [e.model_dump(mode="json", exclude_none=True) for e in resource.emails or []]
    phones = [p.model_dump(mode="json", exclude_none=True) for p in resource.phone_numbers or []]
    given, family, formatted = (
        (_nfc(name.given_name), _nfc(name.family_name), _nfc(name.formatted)) if name else (None,) * 3
    )
    display = _nfc(resource.display_name)
    values = [e["value"] for e in emails if e.get("value")]
    return {
        "external_id": _nfc(resource.external_id),
        "display_name": display,
        "display_name_key": _key(display),
        "given_name": given,
        "given_name_key": _key(given),
        "family_name": family,
        "family_name_key": _key(family),
        "formatted_name": formatted,
        "formatted_name_key": _key(formatted),
        "employee_number": enterprise.employee_number if enterprise else None,
        "department": enterprise.department if enterprise else None,
        "organization": enterprise.organization if enterprise else None,
        "emails": emails or None,
        "email_keys": ("\n" + "\n".join(user_name_key(v) for v in values) + "\n") if values else None,
        "phones": phones or None,
        "preferred_language": resource.preferred_language,
        "agency_ref": (ext.agency or "").strip() or None if ext else None,
    }


def _preferred(entries: list[Any] | None) -> str | None:
    if not entries:
        return None
    chosen = next((e for e in entries if e.primary), entries[0])
    return str(chosen.value) if chosen.value is not None else None


def _work_email(entries: list[Any] | None) -> str | None:
    """The address messages go to: the primary one, else the work one, else the first."""
    if not entries:
        return None
    chosen = (
        next((e for e in entries if e.primary), None)
        or next((e for e in entries if str(e.type or "").lower() == "work"), None)
        or entries[0]
    )
    return str(chosen.value) if chosen.value is not None else None


def latin_name(resource: User[Any]) -> str:
    """The officer's Latin-script name: formatted, else given + family, else the display name, else the account name."""
    name = resource.name
    if name and name.formatted:
        return str(name.formatted)
    parts = [p for p in ((name.given_name, name.family_name) if name else ()) if p]
    return " ".join(parts) or resource.display_name or resource.user_name or ""


def officer_fields(resource: User[Any], agency_id: uuid.UUID | None) -> dict[str, Any]:
    """The officer's fields as the resource gives them (validated by the officers' own schemas)."""
    ext = resource[OfficerExtension]
    phone = _preferred(resource.phone_numbers)
    return {
        "agency_id": agency_id,
        "user_name": _nfc(resource.user_name),
        "full_name_ar": ext.arabic_name if ext else None,
        "name_latin": latin_name(resource),
        "sex": ext.sex.value if ext and ext.sex else None,
        "rank": ext.rank if ext else None,
        "job_title": resource.title,
        "email": _work_email(resource.emails),
        # preferredLanguage (BCP 47): the language of the officer's messages, when it is one served here.
        "language": i18n.supported(resource.preferred_language) if resource.preferred_language else None,
        "phone": phone if phone and _PHONE.match(phone) else None,  # other forms (tel: URIs) stay on the link only
    }


def invalid_value(exc: ValidationError) -> InvalidValueException:
    problems = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err.get("loc") else "?"
        problems.append(f"{SCIM_NAMES.get(field, field)}: {err.get('msg', 'invalid')}")
    return InvalidValueException(detail="; ".join(problems))


def agency_code(agency: Agency | None) -> str | None:
    return agency.acronym if agency is not None and agency.acronym else None
