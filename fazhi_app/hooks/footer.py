"""The footer's government-site block: the configured ``Footer`` with its registry links.

The ICP 备案号 links to the MIIT filing registry and the 公安机关备案号 to the
public-security filing query for its number; both are links to follow, never assets
to load, so the page still loads nothing from another host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fazhi.config import Footer

ICP_REGISTRY = "https://beian.miit.gov.cn/"
POLICE_QUERY = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


def context(footer: Footer) -> dict[str, Any]:
    """What ``partials/copyright.html`` reads as ``fazhi_footer``."""
    return {
        "info": footer,
        "shown": footer.shown,
        "contact": bool(footer.address or footer.postcode or footer.phone or footer.email),
        "icp_url": ICP_REGISTRY if footer.icp else None,
        "police_url": POLICE_QUERY.format(code=quote(footer.police_code)) if footer.police else None,
        "phone_url": "tel:" + "".join(ch for ch in footer.phone if ch.isdigit() or ch in "+-") if footer.phone else None,
    }
