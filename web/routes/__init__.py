"""The screens, one router per person's area. A new screen: a module here, listed in ROUTERS."""

from web.routes import account, desk, focal, focal_forms, module_forms, outbox, planner, planner_forms, results, trainer

ROUTERS = [
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
]
