"""Certificates: issue, list, revoke, and the public verification."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, holding, list_page, set_etag
from api.problems import problems
from api.routing import CheckedRoute
from domain.auth.policy import CERTIFICATES_ISSUE, CERTIFICATES_READ
from domain.auth.principal import Principal
from domain.certificates import service
from domain.certificates.schemas import CertificateFilters, CertificateRead, IssueResult, Revocation, Verification
from domain.models.certificates import Certificate
from domain.pagination import Page

router = APIRouter(tags=["certificates"], route_class=CheckedRoute)
public = APIRouter(tags=["certificates"], route_class=CheckedRoute)
Reader = Annotated[Principal, holding(CERTIFICATES_READ)]
Issuer = Annotated[Principal, holding(CERTIFICATES_ISSUE)]


@router.post(
    "/modules/{module_id:uuid}/certificates",
    response_model=IssueResult,
    operation_id="issue_certificates",
    summary="Issue a module's certificates",
    description="For each participant who completed the delivered module: a certificate of attendance, and where the "
    "module is assessed (pass_mark) and the post-test reaches it, a certificate of competence. Each is an Open Badges "
    "3.0 credential (VC-JWT, RS256, issuer: the programme) that verifies with /.well-known/jwks.json. Issuing again "
    "changes nothing. A module not yet delivered is a 409.",
    responses=problems(404, 409),
)
async def issue_certificates(module_id: uuid.UUID, request: Request, db: DbSession, principal: Issuer) -> IssueResult:
    return await service.issue_certificates(
        db, principal=principal, keyring=request.app.state.keyring, module_id=module_id
    )


@router.get(
    "/certificates",
    response_model=Page[CertificateRead],
    operation_id="list_certificates",
    summary="List certificates",
    description="Filter by module or officer. Only certificates of officers within your reach are listed.",
    responses=problems(422),
)
async def list_certificates(
    request: Request,
    response: Response,
    db: DbSession,
    principal: Reader,
    paging: Paging,
    filters: Annotated[CertificateFilters, Query()],
) -> dict[str, Any]:
    return list_page(
        request,
        response,
        await service.list_certificates(
            db, principal=principal, filters=filters, limit=paging.limit, cursor=paging.cursor
        ),
    )


@router.get(
    "/certificates/{certificate_id:uuid}",
    response_model=CertificateRead,
    operation_id="get_certificate",
    summary="Get a certificate",
    responses=problems(404),
)
async def get_certificate(
    certificate_id: uuid.UUID, response: Response, db: DbSession, principal: Reader
) -> Certificate:
    certificate = await service.get_certificate(db, principal=principal, certificate_id=certificate_id)
    set_etag(response, certificate.version)
    return certificate


@router.post(
    "/certificates/{certificate_id:uuid}/revoke",
    response_model=CertificateRead,
    operation_id="revoke_certificate",
    summary="Revoke a certificate",
    description="The reason is kept; the public check answers revoked from now on. With If-Match, a certificate "
    "changed since (revoked by someone else) is a 412.",
    responses=problems(404, 409, 412),
)
async def revoke_certificate(
    certificate_id: uuid.UUID,
    data: Revocation,
    response: Response,
    db: DbSession,
    principal: Issuer,
    version: IfMatch,
) -> Certificate:
    certificate = await service.revoke_certificate(
        db, principal=principal, certificate_id=certificate_id, data=data, expected_version=version
    )
    set_etag(response, certificate.version)
    return certificate


@public.get(
    "/certificates/verify/{code}",
    response_model=Verification,
    operation_id="verify_certificate",
    summary="Check a certificate (no sign-in)",
    description="Answers valid or revoked, the module's title and dates, the issuer and the holder's initials: "
    "nothing else.",
    responses=problems(404, public=True),
)
async def verify_certificate(code: Annotated[str, Path(min_length=1, max_length=64)], db: DbSession) -> Verification:
    return await service.verify(db, code=code)
