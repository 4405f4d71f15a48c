"""Imports every models module so that Base.metadata is complete (Alembic, tests), and the
registrations made wherever the models are (the API, the worker, seeds, the tests): the imports'
part of an officer's erasure (officers' REDACTORS), and the listeners that decide messages in the
transaction of their cause (notifications' hook)."""

from domain.db import Base
from domain.imports import erasure as imports_erasure  # noqa: F401  (a registration, not models)
from domain.models import agencies as agencies  # noqa: F401
from domain.models import attendance as attendance  # noqa: F401
from domain.models import audit as audit  # noqa: F401
from domain.models import auth as auth  # noqa: F401
from domain.models import calendar as calendar  # noqa: F401
from domain.models import catalogue as catalogue  # noqa: F401
from domain.models import certificates as certificates  # noqa: F401
from domain.models import cycles as cycles  # noqa: F401
from domain.models import enrolment as enrolment  # noqa: F401
from domain.models import events as events  # noqa: F401
from domain.models import idempotency as idempotency  # noqa: F401
from domain.models import imports as imports  # noqa: F401
from domain.models import indicators as indicators  # noqa: F401
from domain.models import notifications as notifications  # noqa: F401
from domain.models import officers as officers  # noqa: F401
from domain.models import programmes as programmes  # noqa: F401
from domain.models import surveys as surveys  # noqa: F401
from domain.models import vetting as vetting  # noqa: F401
from domain.models import webhooks as webhooks  # noqa: F401
from domain.notifications import hook as notifications_hook  # noqa: F401  (a registration, not models)
from domain.surveys import erasure as surveys_erasure  # noqa: F401  (a registration, not models)

metadata = Base.metadata
