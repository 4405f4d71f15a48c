"""The screens, one router per person's area. A new screen: a module here, listed in ROUTERS."""

from web.routes import (
    account,
    admin_accounts,
    admin_audit,
    admin_clients,
    admin_webhooks,
    desk,
    focal,
    focal_forms,
    module_forms,
    officers,
    outbox,
    planner,
    planner_forms,
    results,
    survey_answer,
    trainer,
)

ROUTERS = [
    survey_answer.router,
    account.router,
    trainer.router,
    desk.router,
    module_forms.router,
    outbox.router,
    focal.router,
    focal_forms.router,
    planner.router,
    planner_forms.router,
    results.router,
    officers.router,
    admin_accounts.router,
    admin_clients.router,
    admin_webhooks.router,
    admin_audit.router,
]
