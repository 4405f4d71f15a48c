"""Programmes, cooperation cycles and agencies."""

from fastapi import APIRouter

from api.crud import crud_routes
from domain.auth.policy import PLANNING_READ, PLANNING_WRITE, PROGRAMMES_ADMIN
from domain.agencies import service as agencies
from domain.agencies.schemas import AgencyCreate, AgencyRead, AgencyUpdate
from domain.cycles import service as cycles
from domain.cycles.schemas import CycleCreate, CycleRead, CycleUpdate
from domain.programmes import service as programmes
from domain.programmes.schemas import ProgrammeCreate, ProgrammeRead, ProgrammeUpdate

router = APIRouter()

crud_routes(
    router, noun="programme", plural="programmes", read=ProgrammeRead, create=ProgrammeCreate, update=ProgrammeUpdate,
    filters=programmes.ProgrammeFilters, list_fn=programmes.list_programmes, get_fn=programmes.get_programme,
    create_fn=programmes.create_programme, update_fn=programmes.update_programme, delete_fn=programmes.delete_programme,
    read_permission=PLANNING_READ, write_permission=PROGRAMMES_ADMIN,
)
crud_routes(
    router, noun="cycle", plural="cycles", read=CycleRead, create=CycleCreate, update=CycleUpdate,
    filters=cycles.CycleFilters, list_fn=cycles.list_cycles, get_fn=cycles.get_cycle,
    create_fn=cycles.create_cycle, update_fn=cycles.update_cycle, delete_fn=cycles.delete_cycle,
    read_permission=PLANNING_READ, write_permission=PLANNING_WRITE,
)
crud_routes(
    router, noun="agency", plural="agencies", read=AgencyRead, create=AgencyCreate, update=AgencyUpdate,
    filters=agencies.AgencyFilters, list_fn=agencies.list_agencies, get_fn=agencies.get_agency,
    create_fn=agencies.create_agency, update_fn=agencies.update_agency, delete_fn=agencies.delete_agency,
    read_permission=PLANNING_READ, write_permission=PLANNING_WRITE,
)
