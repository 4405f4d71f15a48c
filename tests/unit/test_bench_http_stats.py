"""The HTTP bench's pure helpers: percentiles, wrk's output, /proc parsing, route matching."""

import pytest

from bench.http.scenarios import SCENARIOS, missing_routes
from bench.http.stats import parent_pid, parse_wrk, percentile, ratio, summarise, vm_hwm_kib
from bench.http.wrk import rotating_script, static_script

WRK = """Running 10s test @ http://127.0.0.1:8000/api/v1/me
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   12.01ms 310.55ms   90.00%
    Req/Sec   400.10     50.00   500.00     70.00%
  Latency Distribution
     50%  850.00us
     75%   42.10ms
     90%   50.00ms
     99%    1.20s
  3999 requests in 10.01s, 1.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    399.50
Transfer/sec:    122.00KB
"""


def test_percentile_interpolates_between_ranks():
    assert percentile([], 50) is None
    assert percentile([5.0], 99) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(101))), 99) == 99.0
    assert percentile([10.0, 0.0], 0) == 0.0 and percentile([10.0, 0.0], 100) == 10.0


def test_summarise_gives_rate_and_milliseconds():
    m = summarise("python-httpx", [0.010, 0.020, 0.030], seconds=1.5, errors=1)
    assert m.requests == 3 and m.rps == pytest.approx(2.0)
    assert m.p50_ms == pytest.approx(20.0) and m.errors == 1
    assert summarise("x", [], 0, 0).rps == 0.0


def test_parse_wrk_reads_rate_percentiles_in_any_unit_and_every_error():
    m = parse_wrk(WRK)
    assert (m.tool, m.requests, m.rps, m.seconds) == ("wrk", 3999, 399.5, pytest.approx(10.01))
    assert m.p50_ms == pytest.approx(0.85) and m.p99_ms == pytest.approx(1200.0)
    assert m.errors == 7 + 2 + 3


def test_parse_wrk_without_errors_and_refuses_other_text():
    clean = "\n".join(line for line in WRK.splitlines() if "errors" not in line and "Non-2xx" not in line)
    assert parse_wrk(clean).errors == 0
    with pytest.raises(ValueError):
        parse_wrk("unable to connect to 127.0.0.1:9 Connection refused")


def test_proc_parsing():
    assert vm_hwm_kib("Name:\tpython\nVmHWM:\t  204800 kB\nVmRSS:\t 1000 kB\n") == 204800
    assert vm_hwm_kib("Name:\tzombie\n") == 0
    assert parent_pid("4242 (python (x) y) S 17 4242 4242 0 -1") == 17


def test_ratio():
    assert ratio(50.0, 200.0) == 0.25
    assert ratio(None, 200.0) is None and ratio(5.0, 0.0) is None


def test_lua_scripts_keep_arabic_as_utf8_and_rotate():
    script = static_script("GET", {"Authorization": "Bearer t"}, body='{"q": "عباس"}')
    assert 'wrk.headers["Authorization"] = "Bearer t"' in script and "عباس" in script and "\\u" not in script
    rotating = rotating_script("PUT", {}, [("/a", "{}"), ("/b", "{}")])
    assert '{"/a", "{}"}' in rotating and "(n - 1) % #items + 1" in rotating


def test_scenarios_not_available_until_their_routes_exist():
    scim = next(s for s in SCENARIOS if s.key == "scim")
    imports = next(s for s in SCENARIOS if s.key == "import")
    assert missing_routes(scim, {"/api/v1/me"}) == ["/scim/v2/Users"]
    assert missing_routes(scim, {"/scim/v2/Users"}) == []
    have = {"/api/v1/officers/imports", "/api/v1/officers/imports/{id}/apply"}  # any parameter name
    assert missing_routes(imports, have) == []
    assert all(missing_routes(s, set()) == [] for s in SCENARIOS if not s.needs)


def test_the_import_file_is_a_deterministic_csv(tmp_path):
    from bench.http.scenarios import import_file

    first = import_file(tmp_path / "a.csv", "agency-1", rows=5).read_text(encoding="utf-8")
    assert first == import_file(tmp_path / "b.csv", "agency-1", rows=5).read_text(encoding="utf-8")
    lines = first.splitlines()
    assert lines[0] == "external_id,full_name_ar,name_latin,sex,agency_id" and len(lines) == 6
    assert lines[1].startswith("hr-00000,") and lines[1].endswith(",agency-1")
