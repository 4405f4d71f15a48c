"""The screens, one router per person's area. A new screen: a module here, listed in ROUTERS."""

from web.routes import account, outbox, trainer

ROUTERS = [account.router, trainer.router, outbox.router]
