"""Builds the five uniform routes of a resource (list, get, create, update, delete). Each stays
thin: declare dependencies, call one service function, return the schema."""


import uuid
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Query, Request, Response

from api.deps import DbSession, IfMatch, Paging, link_next, require, set_etag
from api.problems import problems
from domain.pagination import Page


def crud_routes(
    router: APIRouter,
    *,
    noun: str,
    plural: str,
    read: type,
    create: type | None,
    update: type,
    filters: type,
    list_fn: Callable,
    get_fn: Callable,
    create_fn: Callable | None,
    update_fn: Callable,
    delete_fn: Callable,
    read_permission: str,
    write_permission: str,
) -> None:
    Reader = require(read_permission)
    Writer = require(write_permission)
    id_name = f"{noun}_id"
    item_path = f"/{plural}/{{{id_name}}}"
    human = noun.replace("_", " ")

    @router.get(f"/{plural}", response_model=Page[read], operation_id=f"list_{plural}", summary=f"List {human}s",
                responses=problems())
    async def list_items(request: Request, response: Response, db: DbSession, principal: Reader,
                         paging: Paging, params: Annotated[filters, Query()]) -> Any:
        items, next_cursor = await list_fn(db, principal=principal, filters=params, limit=paging.limit, cursor=paging.cursor)
        link_next(request, response, next_cursor)
        return {"items": items, "next_cursor": next_cursor}

    @router.get(item_path, response_model=read, operation_id=f"get_{noun}", summary=f"Get a {human}",
                responses=problems(404))
    async def get_item(item_id: Annotated[uuid.UUID, _path(id_name)], response: Response, db: DbSession, principal: Reader) -> Any:
        item = await get_fn(db, principal=principal, **{id_name: item_id})
        set_etag(response, item.version)
        return item

    if create is not None:
        @router.post(f"/{plural}", response_model=read, status_code=201, operation_id=f"create_{noun}",
                     summary=f"Create a {human}", responses=problems(409))
        async def create_item(data: create, response: Response, db: DbSession, principal: Writer) -> Any:
            item = await create_fn(db, principal=principal, data=data)
            set_etag(response, item.version)
            response.headers["Location"] = f"/api/v1/{plural}/{item.id}"
            return item

    @router.patch(item_path, response_model=read, operation_id=f"update_{noun}", summary=f"Update a {human}",
                  responses=problems(404, 409, 412))
    async def update_item(item_id: Annotated[uuid.UUID, _path(id_name)], data: update, response: Response, db: DbSession,
                          principal: Writer, version: IfMatch) -> Any:
        item = await update_fn(db, principal=principal, data=data, expected_version=version, **{id_name: item_id})
        set_etag(response, item.version)
        return item

    @router.delete(item_path, status_code=204, operation_id=f"delete_{noun}", summary=f"Delete a {human}",
                   description="Refused with 409 while other records refer to it.", responses=problems(404, 409, 412))
    async def delete_item(item_id: Annotated[uuid.UUID, _path(id_name)], db: DbSession, principal: Writer,
                          version: IfMatch) -> Response:
        await delete_fn(db, principal=principal, expected_version=version, **{id_name: item_id})
        return Response(status_code=204)


def _path(alias: str):
    from fastapi import Path

    return Path(alias=alias)
