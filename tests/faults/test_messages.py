"""Faults met by hand: each command names the culprit in one line and exits with its documented code."""

from __future__ import annotations

from fazhi_app.exit_codes import EXIT_USAGE
from tests.fixtures.deployment import Deployment


def test_a_damaged_index_and_a_missing_law_library_are_named_with_exit_2(deployment: Deployment) -> None:
    d = deployment
    assert d.run().status == "published"
    generation = d.current().index / (d.current().index / "CURRENT").read_text("utf-8").strip()
    segment = next(generation.glob("*.seg"))
    segment.write_bytes(segment.read_bytes()[:100])

    damaged = d.cli("search", "生态环境")
    assert damaged.returncode == EXIT_USAGE, damaged.stdout + damaged.stderr
    assert damaged.stderr.startswith(f"fazhi: {generation}: "), damaged.stderr
    assert "damaged" in damaged.stderr and segment.name in damaged.stderr and "interrupted" not in damaged.stderr

    missing = d.root / "no-such-library"
    for command in (("nightly", "--no-scrape"), ("search", "生态环境")):
        result = d.cli(*command, "--law-library", str(missing))
        assert result.returncode == EXIT_USAGE, f"{command}: {result.stdout}{result.stderr}"
        assert result.stderr.startswith(f"fazhi: {missing}: "), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
