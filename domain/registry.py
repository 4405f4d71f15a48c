"""Imports every models module so that Base.metadata is complete (Alembic, tests)."""

from domain.agencies import models as agencies  # noqa: F401
from domain.attendance import models as attendance  # noqa: F401
from domain.audit import models as audit  # noqa: F401
from domain.auth import models as auth  # noqa: F401
from domain.calendar import models as calendar  # noqa: F401
from domain.catalogue import models as catalogue  # noqa: F401
from domain.certificates import models as certificates  # noqa: F401
from domain.cycles import models as cycles  # noqa: F401
from domain.db import Base
from domain.enrolment import models as enrolment  # noqa: F401
from domain.events import models as events  # noqa: F401
from domain.idempotency import models as idempotency  # noqa: F401
from domain.imports import models as imports  # noqa: F401
from domain.indicators import models as indicators  # noqa: F401

# Not a models module: the listeners that decide messages in the transaction of their cause,
# registered wherever the models are (the API, the worker, seeds, the tests).
from domain.notifications import hook as notifications_hook  # noqa: E402, F401
from domain.notifications import models as notifications  # noqa: F401
from domain.officers import models as officers  # noqa: F401
from domain.programmes import models as programmes  # noqa: F401
from domain.vetting import models as vetting  # noqa: F401
from domain.webhooks import models as webhooks  # noqa: F401

metadata = Base.metadata
