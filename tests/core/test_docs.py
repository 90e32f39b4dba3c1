"""The README and the manual are the contract for operators: every command, option group and setting is in them.

The README stays short and leads to every file of the manual; every link between them leads somewhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from fazhi.article import FIELDS
from fazhi.config import FetchSettings, Footer, GuardSettings, Paths, Settings, Source
from fazhi.schema import fields_of
from fazhi_app.cli import main
from search.query import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_CHARS, MAX_WORDS, TIME_BUDGET
from search.workers import FAST_LANE, QUEUE

REPO = Path(__file__).resolve().parents[2]
MANUAL = REPO / "manual"
# Written by python -m fazhi_app.config_reference (kept fresh by test_config_reference), read on their own.
GENERATED = ("configuration.md", "front-matter.md")
README_LINES = 200


def operator_docs() -> str:
    """The operators' documentation: the README, then the manual's hand-written files in name order."""
    files = [REPO / "README.md", *sorted(p for p in MANUAL.glob("*.md") if p.name not in GENERATED)]
    return "\n\n".join(p.read_text("utf-8") for p in files)


DOCS = operator_docs()
REFERENCE = (MANUAL / "configuration.md").read_text("utf-8")
FRONT_MATTER = (MANUAL / "front-matter.md").read_text("utf-8")
COMMANDS = ("new", "check", "preview", "build", "index", "serve", "search", "scrape", "mirror", "nightly", "rollback")


def test_every_contract_command_exists_with_help() -> None:
    runner = CliRunner()
    assert set(COMMANDS) <= set(main.commands)
    for name in COMMANDS:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage: main" in result.output or f"{name} [OPTIONS]" in result.output


def test_every_command_is_documented() -> None:
    for name in main.commands:
        assert re.search(rf"`fazhi {name}\b", DOCS), f"the README and manual do not document `fazhi {name}`"


def test_every_location_and_setting_is_documented() -> None:
    """Settings are documented in the generated reference (kept fresh by test_config_reference), which the docs point to."""
    for cls in (Paths, FetchSettings, Source, Footer, GuardSettings, Settings):
        for name in fields_of(cls):
            assert f"| `{name}` |" in REFERENCE, f"{cls.__name__}.{name} is not in manual/configuration.md"
    assert "manual/configuration.md" in DOCS
    for name in ("--content", "--mkdocs-config", "--state", "--site", "--index", "--releases", "--config"):
        assert f"`{name}" in DOCS, f"the README and manual do not document option {name}"


def test_every_front_matter_field_is_documented() -> None:
    """Front matter is documented in the generated reference (kept fresh by test_config_reference), which the docs point to."""
    for field in FIELDS:
        assert f"| `{field}` |" in FRONT_MATTER, f"manual/front-matter.md does not document front matter field {field}"
    assert "manual/front-matter.md" in DOCS


def test_nightly_full_is_documented_with_what_it_does_not_promise() -> None:
    shown = " ".join(CliRunner().invoke(main, ["nightly", "--help"], terminal_width=200).output.split())
    assert "--full" in shown and "fetch.revisit_budget" in shown and "guard.max_removed_share" in shown
    assert "`fazhi nightly --full`" in DOCS


def _nginx(pattern: str) -> float:
    """One number of deploy/nginx.conf, found by the directive around it."""
    found = re.findall(pattern, (REPO / "deploy" / "nginx.conf").read_text("utf-8"))
    assert len(found) == 1, f"deploy/nginx.conf: {pattern} found {len(found)} times"
    return float(found[0])


def limits() -> dict[str, tuple[float, str]]:
    """Each limit of the search API: its value in the code (or deploy/nginx.conf) and how the manual states it."""
    return {
        "TIME_BUDGET": (TIME_BUDGET, r"time budget (?:of |\()(\d+(?:\.\d+)?) s\b"),
        "FAST_LANE": (FAST_LANE, r"still running after (\d+(?:\.\d+)?) s of CPU"),
        "QUEUE": (QUEUE, r"(?:Up to|At most) (\d+) searches wait per lane"),
        "MAX_QUERY_CHARS": (MAX_QUERY_CHARS, r"\((\d+) characters, \d+ words"),
        "MAX_WORDS": (MAX_WORDS, r"\(\d+ characters, (\d+) words"),
        "MAX_PAGE": (MAX_PAGE, r"`page` (?:≤|\| 1–)\s*(\d+)"),
        "MAX_PER_PAGE": (MAX_PER_PAGE, r"`per_page` (?:≤|\| 1–)\s*(\d+)"),
        "nginx rate": (_nginx(r"zone=fazhi_api:\S+ rate=(\d+)r/s;"), r"(\d+) requests a second"),
        "nginx burst": (_nginx(r"limit_req zone=fazhi_api burst=(\d+)"), r"with a burst of (\d+)"),
        "nginx connections": (_nginx(r"limit_conn fazhi_api_conn (\d+);"), r"at most (\d+) API requests open"),
        "nginx body size": (_nginx(r"client_max_body_size (\d+)k;"), r"bodies up to (\d+) KiB"),
        "nginx header line": (_nginx(r"large_client_header_buffers \d+ (\d+)k;"), r"headers up to (\d+) KiB a line"),
    }


def test_every_number_the_readme_gives_for_the_limits_is_the_code_s() -> None:
    """The limits are what an operator sizes a server by: a number changed in the code must be changed in the manual."""
    text = " ".join(operator_docs().split())
    section = re.search(r"#{2,4} Headers and limits.*?(?= #{1,4} )", text)
    assert section, "the manual has no section on headers and limits"
    for name, (value, pattern) in limits().items():
        assert re.search(pattern, section.group()), f"the manual's limits do not state {name} ({value:g})"
        stated = {float(number) for number in re.findall(pattern, text)}
        assert stated == {value}, f"the docs state {name} as {', '.join(f'{n:g}' for n in sorted(stated))}; it is {value:g}"


def _slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text("utf-8"), flags=re.MULTILINE | re.DOTALL)
    return {_slug(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def test_the_readme_is_short_and_leads_to_every_file_of_the_manual() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= README_LINES, f"README.md has {len(readme.splitlines())} lines; at most {README_LINES}"
    linked = set(re.findall(r"\]\((manual/[^)#]+)", readme))
    unlinked = sorted(f"manual/{p.name}" for p in MANUAL.glob("*.md") if f"manual/{p.name}" not in linked)
    assert not unlinked, f"README.md does not link {', '.join(unlinked)}"


def test_every_link_between_the_readme_and_the_manual_leads_somewhere() -> None:
    broken = []
    for doc in [REPO / "README.md", *sorted(MANUAL.glob("*.md")), REPO / "deploy" / "README.md"]:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text("utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            path = (doc.parent / file).resolve() if file else doc
            if not path.exists():
                broken.append(f"{doc.relative_to(REPO)}: {target}: no such file")
            elif anchor and anchor not in _anchors(path):
                broken.append(f"{doc.relative_to(REPO)}: {target}: no heading #{anchor}")
    assert not broken, "broken links:\n" + "\n".join(broken)
