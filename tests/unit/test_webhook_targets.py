"""Where webhooks may point, without a database: every kind of internal address refused (IPv4
inside IPv6 too), what a setting opens and what nothing opens, the check of a URL (names
resolved, every address checked) and the connection pinned to the checked addresses."""

from __future__ import annotations

import asyncio
from ipaddress import ip_network

import httpcore
import pytest

from domain.errors import InvalidInput
from domain.settings import Settings
from domain.webhooks.pinning import PinnedBackend, connecting_to
from domain.webhooks.targets import Target, check_target, forbidden_address, parse
from tests.webhook_receiver import LoopbackOnly

LOOPBACK = (ip_network("127.0.0.0/8"), ip_network("::1/128"))
EVERYTHING = (ip_network("0.0.0.0/0"), ip_network("::/0"))


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "a loopback address"),
        ("::1", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.4.4", "a private address"),
        ("192.168.1.1", "a private address"),
        ("fc00::1", "a private address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("100.127.255.254", "a shared (carrier-grade NAT) address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("168.63.129.16", "a cloud metadata address"),
        ("169.254.170.2", "a link-local address"),
        ("fe80::1%eth0", "a link-local address"),
        ("0.0.0.0", "the unspecified address"),
        ("::", "the unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("224.0.1.1", "a multicast address"),  # is_global, yet multicast
        ("ff0e::1", "a multicast address"),
        ("240.0.0.1", "a private address"),
        ("192.0.2.1", "a private address"),  # documentation
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("::a00:1", "not a public address"),  # IPv4-compatible (deprecated)
        ("64:ff9b:1::5db8:d70e", "not a public address"),  # local-use NAT64, even around a public address
    ],
)
def test_internal_addresses_are_refused_with_their_kind(address, why):
    assert forbidden_address(address) == f"{address.split('%')[0].removeprefix('::ffff:')} is {why}"


@pytest.mark.parametrize(
    ("address", "carried"),
    [
        ("2002:a9fe:a9fe::", "169.254.169.254 (6to4), a cloud metadata address"),
        ("2002:a00:1::1", "10.0.0.1 (6to4), a private address"),
        ("2002:7f00:1::", "127.0.0.1 (6to4), a loopback address"),
        ("2002:6440:1::", "100.64.0.1 (6to4), a shared (carrier-grade NAT) address"),
        ("2001:0:a00:1:8000:63bf:a2b3:c4d5", "10.0.0.1 (Teredo server), a private address"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "10.0.0.1 (Teredo client), a private address"),
        ("2001:0:4136:e378:8000:63bf:5601:5601", "169.254.169.254 (Teredo client), a cloud metadata address"),
        ("64:ff9b::a00:1", "10.0.0.1 (NAT64), a private address"),
        ("64:ff9b::a9fe:a9fe", "169.254.169.254 (NAT64), a cloud metadata address"),
        ("64:ff9b:1::a9fe:a9fe", "169.254.169.254 (NAT64), a cloud metadata address"),
    ],
)
def test_ipv4_inside_ipv6_is_checked(address, carried):
    assert forbidden_address(address) == f"{address} carries {carried}"


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "8.8.8.8",
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
        "::ffff:93.184.215.14",
        "2002:5db8:d70e::1",  # 6to4 around a public address
        "64:ff9b::5db8:d70e",  # NAT64 (what DNS64 answers on an IPv6-only network) around one
    ],
)
def test_public_addresses_pass(address):
    assert forbidden_address(address) is None


def test_allowed_networks_open_exactly_themselves():
    assert forbidden_address("127.0.0.1", LOOPBACK) is None
    assert forbidden_address("::1", LOOPBACK) is None
    assert forbidden_address("::ffff:127.0.0.1", LOOPBACK) is None
    assert forbidden_address("10.0.0.1", LOOPBACK) == "10.0.0.1 is a private address"
    assert forbidden_address("2002:7f00:1::", LOOPBACK)  # a relay's loopback is not this machine's
    internal = (ip_network("10.20.0.0/16"),)
    assert forbidden_address("10.20.3.4", internal) is None and forbidden_address("10.21.0.1", internal)
    # An IPv4 address inside an IPv6 one passes as listed only with the IPv6 network itself listed.
    assert forbidden_address("64:ff9b::a14:304", internal)
    assert forbidden_address("64:ff9b::a14:304", (ip_network("64:ff9b::/96"),)) is None


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "169.254.1.1", "fe80::1", "100.100.100.200", "fd00:ec2::254", "2002:a9fe:a9fe::"],
)
def test_nothing_opens_link_local_or_metadata_addresses(address):
    listed = (*EVERYTHING, ip_network("169.254.0.0/16"), ip_network("fe80::/10"), ip_network("100.100.100.200/32"))
    assert forbidden_address(address, listed)
    assert forbidden_address("10.0.0.1", listed) is None  # what they do open


def test_the_setting_lists_networks_and_refuses_a_typo():
    settings = Settings(webhook_allowed_networks=" 127.0.0.0/8, ::1 ,10.1.2.3")
    assert settings.webhook_networks == (ip_network("127.0.0.0/8"), ip_network("::1/128"), ip_network("10.1.2.3/32"))
    assert Settings(webhook_allowed_networks="").webhook_networks == ()
    with pytest.raises(ValueError, match="WEBHOOK_ALLOWED_NETWORKS"):
        Settings(webhook_allowed_networks="10.0.0.0/8,localhost")


def test_urls_need_a_scheme_and_a_host():
    assert parse("https://hr.example.org/hook") == ("hr.example.org", 443)
    assert parse("http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:8080/") == (
        "2606:2800:21f:cb07:6820:80da:af6b:8b2c",
        8080,
    )
    assert parse("https://bücher.example/hook") == ("xn--bcher-kva.example", 443)  # as httpx connects to it
    for bad in ("file:///etc/passwd", "https://", "http://u:p@host/", "http://host/#frag", "http://[::1/"):
        with pytest.raises(InvalidInput, match="refused"):
            parse(bad)


async def test_the_check_gives_the_addresses_to_connect_to():
    assert await check_target("https://93.184.215.14:8443/h", allowed=()) == Target(
        "93.184.215.14", 8443, ("93.184.215.14",)
    )
    target = await check_target("http://localhost:9/h", allowed=LOOPBACK)
    assert target.host == "localhost" and "127.0.0.1" in target.addresses
    assert all(forbidden_address(a, LOOPBACK) is None for a in target.addresses)


@pytest.mark.parametrize("url", ["http://localhost/", "http://nowhere.invalid/", "http://[::ffff:a9fe:a9fe]/"])
async def test_the_check_refuses_names_without_telling_what_they_resolve_to(url):
    with pytest.raises(InvalidInput) as refused:
        await check_target(url, allowed=())
    message = refused.value.extra["errors"][0]["message"]
    assert refused.value.extra["errors"][0]["field"] == "url"
    if "[" not in url:
        assert message.endswith("does not resolve to public addresses only") and "127.0.0.1" not in message


async def test_a_connection_goes_only_to_the_checked_addresses_of_the_checked_host():
    network = LoopbackOnly()
    backend = PinnedBackend(network)
    with pytest.raises(httpcore.ConnectError, match="not checked"):
        await backend.connect_tcp("localhost", 9)  # nothing checked in this task
    server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with connecting_to(Target("receiver.example", port, ("10.9.9.9", "127.0.0.1"))):
            with pytest.raises(httpcore.ConnectError, match="not checked"):
                await backend.connect_tcp("other.example", port)
            stream = await backend.connect_tcp("receiver.example", port)  # the name is never looked up
            await stream.aclose()
    finally:
        server.close()
        await server.wait_closed()
    # Each checked address in turn (the first one refused by the tests' loopback-only network).
    assert network.outside == ["10.9.9.9"] and network.connected == ["127.0.0.1"]
