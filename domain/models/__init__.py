"""The tables, on their own floor: one module per area (domain/models/<area>.py), importing only the
kernel and each other, so that every area, and access above them, may read any of them without
two area folders importing each other."""

# Every table is loaded whenever one is: relationships name other tables by class name, and a
# module that builds a loader option at import time (selectinload(Module.prerequisites)) configures
# the mappers then, which fails if a named class was never imported (`python -m seeds` did).
from domain.models import (  # noqa: E402, F401
    agencies,
    attendance,
    audit,
    auth,
    calendar,
    catalogue,
    certificates,
    cycles,
    enrolment,
    events,
    idempotency,
    imports,
    indicators,
    notifications,
    officers,
    programmes,
    surveys,
    vetting,
    webhooks,
)
