"""What a delivery reaches, end to end (committed events, an in-process worker, real receivers on
127.0.0.1, a scratch database): endpoints that never wait for one another, connections that go
to the address checked (TLS still checked on the host name), targets refused again at delivery
time, and a delivery log that shows nothing of the answers. The workers connect through
LoopbackOnly: a test fails if one ever tried an address outside loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import threading
import time

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from api.main import create_app
from domain.auth.principal import Role
from domain.models.webhooks import DeliveryStatus
from tests.conftest import make_settings, migrate, scratch_database
from tests.servers import account
from tests.webhook_receiver import Receiver, receiving
from tests.webhook_world import arrange, clear, deliveries, emit_events, set_url, work

SLOW_S = 3.0  # the slow receiver's answer time
BOUND_S = 1.5  # how long another endpoint's delivery may take meanwhile (0.05 s polls; a busy machine)


@pytest.fixture(scope="module")
def scratch_url():
    with scratch_database("webhook_endpoints") as url:
        migrate(url)
        yield url


def test_a_slow_receiver_does_not_delay_another_endpoints_deliveries(scratch_url):
    clear(scratch_url)
    slow, fast = Receiver(delay=SLOW_S), Receiver()
    with receiving(slow) as slow_port, receiving(fast) as fast_port:
        world = arrange(
            scratch_url, [f"http://127.0.0.1:{slow_port}/slow", f"http://127.0.0.1:{fast_port}/fast"], events=2
        )
        slow.secrets = fast.secrets = world["secrets"]
        every, emitted = set(world["events"]), threading.Event()
        worker = threading.Thread(
            target=work,
            args=(scratch_url, lambda: emitted.is_set() and set(slow.ids()) >= every and set(fast.ids()) >= every),
            kwargs={"timeout": 30, "webhook_timeout_seconds": 2 * SLOW_S},
        )
        worker.start()
        try:
            deadline = time.monotonic() + 15
            while not slow.received and time.monotonic() < deadline:
                time.sleep(0.01)
            assert slow.received, "the slow receiver got nothing"
            # The slow endpoint is busy for SLOW_S; events committed now must reach the other one at once.
            late = emit_events(scratch_url, 3)
            every |= {event for event, _ in late}
            emitted.set()
            while not set(fast.ids()) >= every and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            emitted.set()
            worker.join(timeout=40)
    arrived = {r.webhook_id: r.at for r in fast.received}
    waits = [arrived[event] - committed for event, committed in late]
    assert max(waits) < BOUND_S, waits
    assert max(arrived[event] for event, _ in late) < slow.received[0].at + SLOW_S  # while the slow one was busy
    assert sorted(slow.ids()) == sorted(every) and sorted(fast.ids()) == sorted(every)  # each once, both endpoints
    assert all(r.verified for r in slow.received + fast.received)
    assert {d.status for d, _ in deliveries(scratch_url)} == {DeliveryStatus.succeeded}


def _certificate(tmp_path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a certificate for `name` only (no IP address in it), and a client
    context that trusts that certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM)
    (tmp_path / "cert.pem").write_bytes(pem)
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return server, ssl.create_default_context(cadata=pem.decode())


def test_a_delivery_connects_to_the_checked_address_with_tls_checked_on_the_name(scratch_url, tmp_path):
    clear(scratch_url)
    server_tls, trusting = _certificate(tmp_path, "localhost")
    receiver = Receiver()
    with receiving(receiver, tls=server_tls) as port:
        world = arrange(scratch_url, [f"https://localhost:{port}/tls"], events=2)
        receiver.secrets = world["secrets"]
        worker = work(scratch_url, until=lambda: len(receiver.received) >= 2, ssl_context=trusting)
    assert sorted(receiver.ids()) == sorted(world["events"]) and all(r.verified for r in receiver.received)
    assert {r.headers["host"] for r in receiver.received} == {f"localhost:{port}"}  # the name, as in the URL
    # The worker connected to the address it had checked, never to the name (no second lookup).
    assert worker.network.connected and set(worker.network.connected) <= {"127.0.0.1", "::1"}


def test_a_certificate_for_another_name_fails_the_delivery(scratch_url, tmp_path):
    clear(scratch_url)
    server_tls, trusting = _certificate(tmp_path, "elsewhere.example")
    receiver = Receiver()
    with receiving(receiver, tls=server_tls) as port:
        arrange(scratch_url, [f"https://localhost:{port}/wrong"], events=1)
        work(scratch_url, until=lambda: any(log for _, log in deliveries(scratch_url)), ssl_context=trusting)
    assert receiver.received == []
    [(delivery, log)] = deliveries(scratch_url)
    assert delivery.status is DeliveryStatus.pending and log[0].error == "tls-failed" and log[0].status_code is None


@pytest.mark.parametrize(
    "target", ["http://10.0.0.1:9/x", "http://169.254.169.254/latest/meta-data", "http://[2002:a9fe:a9fe::1]/x"]
)
def test_a_target_internal_by_delivery_time_is_refused_without_a_connection(scratch_url, target):
    clear(scratch_url)
    arrange(scratch_url, ["http://127.0.0.1:9/moved"], events=1)
    set_url(scratch_url, "/moved", target)  # as a DNS answer that changed since the subscription
    work(scratch_url, until=lambda: any(log for _, log in deliveries(scratch_url)))  # fails on any connection
    [(delivery, log)] = deliveries(scratch_url)
    assert delivery.status is DeliveryStatus.pending and [a.error for a in log][:1] == ["target-refused"]


def test_a_name_resolving_to_an_address_no_longer_opened_is_refused(scratch_url):
    clear(scratch_url)
    receiver = Receiver()
    with receiving(receiver) as port:
        arrange(scratch_url, [f"http://localhost:{port}/closed"], events=1)
        work(scratch_url, until=lambda: any(log for _, log in deliveries(scratch_url)), webhook_allowed_networks="")
    assert receiver.received == []
    assert [a.error for _, log in deliveries(scratch_url) for a in log][:1] == ["target-refused"]


def test_the_delivery_log_shows_nothing_of_the_answers(scratch_url):
    clear(scratch_url)
    tries: dict[str, int] = {}

    def answer(got) -> int:
        tries[got.webhook_id] = tries.get(got.webhook_id, 0) + 1
        return (302, 500, 200)[min(tries[got.webhook_id], 3) - 1]

    receiver = Receiver(answer=answer, body=b"root:x:0:0 INTERNAL-PAGE-CONTENT")
    with receiving(receiver) as port:
        world = arrange(scratch_url, [f"http://127.0.0.1:{port}/log"], events=1)
        receiver.secrets = world["secrets"]
        work(scratch_url, until=lambda: any(d.status is DeliveryStatus.succeeded for d, _ in deliveries(scratch_url)))
    app = create_app(make_settings(scratch_url), check_schema=False)
    _, auth = account(scratch_url, app, Role.admin)

    async def read() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1", headers=auth) as client:
            return await client.get(f"/webhooks/{world['subscriptions']['/log']}/deliveries")

    r = asyncio.run(read())
    assert r.status_code == 200, r.text
    [delivery] = r.json()["items"]
    assert [(a["status_code"], a["error"]) for a in delivery["log"]] == [
        (302, "redirect-not-followed"),
        (500, None),
        (200, None),
    ]
    assert all(set(a) == {"at", "status_code", "duration_ms", "error"} for a in delivery["log"])
    assert "INTERNAL-PAGE" not in r.text and "not now" not in r.text
