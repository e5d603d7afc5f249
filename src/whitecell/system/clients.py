"""What analytics keep of a client (docs/operations.md, "Analytics"): its network, not its
address, and its browser and system, not its full user agent. Pure.

An address cut to its /24 (IPv4) or /48 (IPv6) still tells an operator roughly where traffic
comes from and which network floods them, and no longer names a household. A user agent string
is one of the strongest fingerprints a browser sends; "Chrome 131 on Android" is what a product
needs to know of it.
"""

from __future__ import annotations

import ipaddress
import re

IPV4_PREFIX = 24
IPV6_PREFIX = 48
UNKNOWN = "Other"

# The first that matches names the browser: Edge and Opera announce Chrome too, Chrome announces
# Safari, so the specific ones come first.
_BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[.\d]* (?:Mobile/\S+ )?Safari/")),
    ("White Cell", re.compile(r"WhiteCell-\w+/(\d+)")),
    ("curl", re.compile(r"^curl/(\d+)")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod|\biOS\b")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux|X11")),
)


def truncated_ip(ip: str | None) -> str | None:
    """The network of `ip` (/24 or /48) written as its first address; None for no address, and
    for a value that is not one."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return None
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network((address, prefix), strict=False).network_address)


def reduced_user_agent(user_agent: str | None) -> str | None:
    """ "Firefox 133 on Linux": the browser's name and major version, and the system."""
    if not user_agent:
        return None
    browser = next(
        (
            f"{name} {found[1]}"
            for name, pattern in _BROWSERS
            if (found := pattern.search(user_agent))
        ),
        UNKNOWN,
    )
    system = next((name for name, pattern in _SYSTEMS if pattern.search(user_agent)), None)
    return f"{browser} on {system}" if system else browser
