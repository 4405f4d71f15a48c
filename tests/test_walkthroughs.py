"""The walkthroughs of README.md and docs/ (the ```sh walkthrough blocks) work as written: run by
bash and curl against the app served by uvicorn on a free loopback port, on a database of their
own migrated and seeded with the demo exactly as `make run` seeds it (a copy of the contract
tests' template under xdist), every command succeeds, or fails with the status its page says
(tests/walkthroughs.py: how the blocks are read and run). The pages run side by side on the same
database (each page signs in on its own and works on records no other page's walkthrough
changes), their commands one after the other, as a reader would follow them."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.main import create_app
from tests.conftest import make_settings, scratch_database
from tests.contract.conftest import demo_database
from tests.servers import serving
from tests.walkthroughs import ROOT, commands, pages, run_page

pytestmark = pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None, reason="the walkthroughs need bash and curl"
)


def test_every_page_with_a_walkthrough_is_found():
    found = [p.relative_to(ROOT).as_posix() for p in pages()]
    assert found[0] == "README.md"
    assert len(found) >= 5, found
    for page in pages():
        assert commands(page), page


def test_the_walkthroughs_work_on_the_demo_as_seeded(tmp_path_factory: pytest.TempPathFactory):
    with scratch_database("walkthroughs") as url:
        demo_database(tmp_path_factory.getbasetemp().parent, url)
        # As `make run` opens it (Makefile DEV_SETTINGS): webhooks to receivers on loopback.
        app = create_app(make_settings(url, webhook_allowed_networks="127.0.0.0/8,::1"))
        try:
            with serving(app) as base, ThreadPoolExecutor(max_workers=4) as pool:
                outcomes = pool.map(lambda page: run_page(page, base), pages())
                problems = [p for page in outcomes for o in page if (p := o.problem())]
        finally:
            app.state.engine.sync_engine.dispose()
    assert not problems, "\n\n".join(problems)
