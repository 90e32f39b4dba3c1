"""The public-address guard: which hosts are refused, and that the connection goes to the checked address."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import httpx
import pytest

from fazhi.config import load_settings
from fazhi.errors import ConfigError, InternalAddress
from scraper.addresses import AddressGuard, is_public

INTERNAL = ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
            "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "2002:7f00:1::1", "240.0.0.1"]


@pytest.mark.parametrize("address", INTERNAL)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["202.109.1.1", "8.8.8.8", "2400:da00::6666"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


class Recorder(httpx.BaseTransport):
    """The connection layer below the guard: records where each request would connect."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        self.closing = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((str(request.url), request.headers["host"], request.extensions.get("sni_hostname")))
        self.closing = request.headers.get("connection") == "close"
        return httpx.Response(200, text="ok")


def _guard(answers: dict[str, list[str]], **kwargs: object) -> tuple[AddressGuard, Recorder]:
    inner = Recorder()
    return AddressGuard(inner, resolver=lambda name, port: answers[name], **{"host_map": {}, "allowed_hosts": (), **kwargs}), inner


def test_a_name_is_connected_at_the_address_that_was_checked() -> None:
    guard, inner = _guard({"www.example.gov.cn": ["202.109.1.1"]})
    with httpx.Client(transport=guard) as client:
        client.get("https://www.example.gov.cn/a.pdf")
    assert inner.seen == [("https://202.109.1.1/a.pdf", "www.example.gov.cn", "www.example.gov.cn")]
    assert inner.closing, "a connection made for one name is not reused for another name on the same address"


def test_a_name_with_any_internal_address_is_refused() -> None:
    guard, inner = _guard({"mixed.example.org": ["202.109.1.1", "10.0.0.7"]})
    with httpx.Client(transport=guard) as client, pytest.raises(InternalAddress, match=r"resolves to 10\.0\.0\.7"):
        client.get("http://mixed.example.org/")
    assert inner.seen == []


def test_allowed_hosts_pass_and_a_mapped_address_is_not_allowed_for_other_names() -> None:
    guard, inner = _guard({}, host_map={"site.example.org": "http://127.0.0.1:9", "other.example.org": "http://127.0.0.1:9"},
                          allowed_hosts=["site.example.org", "intranet.local"])
    with httpx.Client(transport=guard) as client:
        client.get("http://site.example.org/x")
        client.get("http://intranet.local/y")
        with pytest.raises(InternalAddress, match=r"127\.0\.0\.1 is not a public address"):
            client.get("http://other.example.org/z")
        with pytest.raises(InternalAddress):
            client.get("http://127.0.0.1:9/x")
    assert [url for url, _, _ in inner.seen] == ["http://site.example.org/x", "http://intranet.local/y"]


def test_allow_hosts_is_read_from_the_config_as_a_list_of_names(tmp_path: Path) -> None:
    config = tmp_path / "fazhi.yml"
    config.write_text("fetch:\n  allow_hosts: [intranet.example.gov.cn]\n", "utf-8")
    assert load_settings(config).fetch.allow_hosts == ["intranet.example.gov.cn"]
    config.write_text("fetch:\n  allow_hosts: intranet.example.gov.cn\n", "utf-8")
    with pytest.raises(ConfigError, match=r"allow_hosts.*expected a list of names"):
        load_settings(config)
