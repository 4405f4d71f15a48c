"""The screens, one router per person's area. A new screen: a module here, listed in ROUTERS."""

from web.routes import account, desk, module_forms, outbox, planner, planner_forms, results, trainer

ROUTERS = [
    account.router,
    trainer.router,
    desk.router,
    module_forms.router,
    outbox.router,
    planner.router,
    planner_forms.router,
    results.router,
]
