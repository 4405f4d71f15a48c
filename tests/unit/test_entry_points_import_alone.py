"""Each command's module imports in a fresh interpreter, without the test harness having loaded every
table first (`make run` seeds with `python -m seeds`, which once failed to configure the mappers)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["seeds.__main__", "api.worker", "api.serve", "api.openapi"])
def test_a_command_module_imports_alone_with_every_mapper_configured(module):
    code = f"import {module}\nfrom sqlalchemy.orm import configure_mappers\nconfigure_mappers()\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
