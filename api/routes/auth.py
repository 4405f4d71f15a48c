"""Sign-in (OAuth2 token endpoint), the public keys, and who am I."""

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Form, Header, Request, Response

from api.deps import CurrentPrincipal, DbSession, Person
from api.problems import problems
from api.routing import CheckedRoute
from domain.auth import preferences, service
from domain.auth.schemas import MeRead, MeUpdate, PasswordChange, TokenResponse
from domain.errors import OAuthError
from domain.i18n import translatable

router = APIRouter(tags=["auth"], route_class=CheckedRoute)
GRANTS = ("password", "client_credentials")
FormText = Annotated[str | None, Form(max_length=300)]
public = APIRouter(tags=["auth"], route_class=CheckedRoute)


def _basic(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        client_id, _, secret = base64.b64decode(authorization[6:].strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        raise OAuthError("invalid_client", translatable("Malformed HTTP Basic credentials.")) from None
    return client_id, secret


@router.post(
    "/auth/token",
    response_model=TokenResponse,
    operation_id="issue_token",
    summary="Sign in: get an access token",
    description="OAuth 2.0 token endpoint (form-encoded). `grant_type=password` with username and password for people; "
    "`grant_type=client_credentials` for machine clients, with the client's id and secret in HTTP Basic or in the "
    "form. Errors carry the OAuth `error` code (invalid_grant, invalid_client, invalid_scope, unsupported_grant_type). "
    "Failed sign-ins slow down only where they come from (the default figures): after 5 for a user name from one "
    "address, each further attempt from that address waits 1, 2, 4... seconds (at most 15 minutes) after the one "
    "before, and is otherwise a 429 with Retry-After (the refused attempt counts too). Other addresses are not slowed, "
    "unless they failed for a user name guessed at from many addresses (20 failures). 100 failures from one address "
    "across user names are a 429 until they are a day old.",
    responses=problems(400, 401, 429, public=True),
)
async def issue_token(
    request: Request,
    response: Response,
    db: DbSession,
    grant_type: Annotated[str | None, Form(max_length=40, description="password or client_credentials")] = None,
    username: FormText = None,
    password: FormText = None,
    client_id: FormText = None,
    client_secret: FormText = None,
    scope: FormText = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenResponse:
    settings, keyring = request.app.state.settings, request.app.state.keyring
    address = request.client.host if request.client else "unknown"
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1: tokens are never cached
    response.headers["Pragma"] = "no-cache"
    if grant_type is None:
        raise OAuthError("invalid_request", translatable("grant_type is required: password or client_credentials."))
    if grant_type not in GRANTS:
        raise OAuthError(
            "unsupported_grant_type",
            translatable(
                "grant_type {grant_type!r} is not supported; use password or client_credentials.", grant_type=grant_type
            ),
        )
    if grant_type == "password":
        if not username or not password:
            raise OAuthError("invalid_request", translatable("The password grant needs username and password."))
        return await service.sign_in_password(
            db, keyring=keyring, settings=settings, username=username, password=password, address=address
        )
    credentials = _basic(authorization) or (client_id and client_secret and (client_id, client_secret))
    if not credentials:
        raise OAuthError(
            "invalid_client", translatable("The client_credentials grant needs the client's id and secret.")
        )
    return await service.sign_in_client(
        db,
        keyring=keyring,
        settings=settings,
        client_id=credentials[0],
        secret=credentials[1],
        scope=scope,
        address=address,
    )


@public.get(
    "/.well-known/jwks.json",
    operation_id="get_jwks",
    summary="Get the public keys that verify tokens and certificates",
    description="A JSON Web Key Set (RFC 7517) of the RS256 keys that sign access tokens and certificates.",
    responses=problems(public=True),
)
async def get_jwks(request: Request) -> dict[str, Any]:
    return request.app.state.keyring.jwks()


@router.get(
    "/me",
    response_model=MeRead,
    operation_id="get_me",
    summary="Show who I am and what I may do",
    description="The signed-in account: its role, what it is bound to, and the permissions it holds.",
    responses=problems(),
)
async def get_me(principal: CurrentPrincipal) -> MeRead:
    return service.describe(principal)


@router.patch(
    "/me",
    response_model=MeRead,
    operation_id="update_me",
    summary="Change my language or digits",
    description="A person's own preferences: `language` (a BCP 47 tag of a served language: en, ar) chooses the "
    "language of pages, problem titles and messages (null: each request's Accept-Language); `digits` chooses Latin "
    "(latn, the default) or Arabic-Indic (arab) digits. Pages change them from their language switch.",
    responses=problems(403),
)
async def update_me(data: MeUpdate, db: DbSession, principal: Person) -> MeRead:
    return service.describe(await preferences.update_preferences(db, principal=principal, data=data))


@router.put(
    "/me/password",
    status_code=204,
    operation_id="change_my_password",
    summary="Change my password",
    description="Needs the current password. Every token issued to this account before the change stops working "
    "(sign in again on other devices); this answer's own token too.",
    responses=problems(403),
)
async def change_my_password(data: PasswordChange, db: DbSession, principal: Person) -> Response:
    await service.change_own_password(db, principal=principal, data=data)
    return Response(status_code=204)
