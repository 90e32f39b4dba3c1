"""Fingerprints over real files: what counts as a change, and that unchanged files are not re-hashed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from fazhi.config import Settings, default_paths
from fazhi_app import fingerprint as fp_module
from fazhi_app.fingerprint import Fingerprint, fingerprint, template_dirs


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    paths = default_paths(tmp_path)
    art = paths.content / "summaries" / "2020" / "soil" / "index.md"
    art.parent.mkdir(parents=True)
    art.write_text("---\ntitle: t\n---\nbody\n", "utf-8")
    (art.parent / "plan.pdf").write_bytes(b"%PDF-1.4 fake")
    (paths.content / "index.md").write_text("# home\n", "utf-8")
    paths.mkdocs_config.write_text("site_name: x\ntheme:\n  name: material\n  custom_dir: overrides\n", "utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text("{% extends 'base.html' %}\n", "utf-8")
    return Settings(paths=paths)


def test_same_inputs_same_digest_and_no_changes(settings: Settings) -> None:
    first = fingerprint(settings)
    again = fingerprint(settings, first)
    assert again.digest == first.digest
    assert again.diff(first) == {}
    assert again.changed_values(first) == []
    assert "content/summaries/2020/soil/index.md" in first.groups["content"]
    assert "templates0/main.html" in first.groups["templates"]
    assert "mkdocs.yml" in first.groups["config"]


def test_round_trip_through_json_keeps_the_digest(settings: Settings) -> None:
    import json

    first = fingerprint(settings)
    loaded = Fingerprint.from_dict(json.loads(json.dumps(first.to_dict())))
    assert loaded.digest == first.digest
    assert fingerprint(settings, loaded).digest == first.digest


def test_unchanged_stat_skips_hashing(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fingerprint(settings)
    hashed: list[Path] = []
    real = fp_module._sha256
    monkeypatch.setattr(fp_module, "_sha256", lambda p: hashed.append(p) or real(p))
    fingerprint(settings, first)
    assert hashed == []
    article = settings.paths.content / "summaries" / "2020" / "soil" / "index.md"
    os.utime(article, ns=(article.stat().st_atime_ns, article.stat().st_mtime_ns + 10**9))
    touched = fingerprint(settings, first)
    assert hashed == [article], "only the touched file is hashed again"
    assert touched.digest == first.digest, "same bytes with a new mtime is no change"


def test_edit_add_remove_are_reported_per_group(settings: Settings) -> None:
    first = fingerprint(settings)
    content = settings.paths.content
    (content / "summaries" / "2020" / "soil" / "index.md").write_text("---\ntitle: t\n---\nedited body\n", "utf-8")
    (content / "summaries" / "2020" / "soil" / "plan.pdf").unlink()
    new_dir = content / "cases" / "2021" / "river"
    new_dir.mkdir(parents=True)
    (new_dir / "index.md").write_text("new", "utf-8")
    (content / ".index.md.tmp").write_text("editor leftovers are not inputs", "utf-8")
    second = fingerprint(settings, first)
    assert second.digest != first.digest
    diff = second.diff(first)
    assert set(diff) == {"content"}
    assert diff["content"].added == ("content/cases/2021/river/index.md",)
    assert diff["content"].changed == ("content/summaries/2020/soil/index.md",)
    assert diff["content"].removed == ("content/summaries/2020/soil/plan.pdf",)


def test_template_config_and_settings_changes_count(settings: Settings, tmp_path: Path) -> None:
    first = fingerprint(settings)
    (tmp_path / "overrides" / "main.html").write_text("{% extends 'base.html' %}{# changed #}\n", "utf-8")
    assert set(fingerprint(settings, first).diff(first)) == {"templates"}

    second = fingerprint(settings)
    settings.paths.mkdocs_config.write_text(settings.paths.mkdocs_config.read_text() + "copyright: c\n", "utf-8")
    assert set(fingerprint(settings, second).diff(second)) == {"config"}

    from dataclasses import replace

    renamed = fingerprint(replace(settings, site_name="另一个站点"), second)
    assert renamed.changed_values(second) == ["setting:site_name"]
    assert renamed.digest != second.digest


def test_fetch_and_serve_settings_are_not_build_inputs(settings: Settings) -> None:
    from dataclasses import replace

    first = fingerprint(settings)
    moved = replace(settings, fetch=replace(settings.fetch, host_map={"www.mee.gov.cn": "http://127.0.0.1:1"}), serve_port=9000)
    assert fingerprint(moved, first).digest == first.digest


def test_package_version_change_counts(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    first = fingerprint(settings)
    monkeypatch.setattr(fp_module.fazhi, "__version__", "99.0")
    later = fingerprint(settings, first)
    assert later.changed_values(first) == ["version:fazhi"]
    assert later.digest != first.digest


def test_template_dirs_default_to_overrides_beside_the_config(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", "utf-8")
    assert template_dirs(config) == [tmp_path / "overrides"]
    config.write_text("theme:\n  name: material\n  custom_dir: 'theme/custom'  # ours\n", "utf-8")
    assert template_dirs(config) == [tmp_path / "theme" / "custom"]


SAMPLE_LAWS = Path(__file__).resolve().parents[2] / "fazhi_app" / "sample_laws"


def test_a_revision_taking_effect_changes_the_fingerprint_though_no_file_changed(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = tmp_path / "laws"
    shutil.copytree(SAMPLE_LAWS, library)
    settings = dataclasses.replace(settings, paths=dataclasses.replace(settings.paths, law_library=library))
    # 示例市河湖保洁条例's 2021 revision takes effect on 2022-01-01.
    before = fingerprint(settings, today=dt.date(2021, 12, 30))
    assert before.values[fp_module.IN_FORCE_UNTIL] == "2022-01-01"
    reads = []
    real_load = fp_module.load_library
    monkeypatch.setattr(fp_module, "load_library", lambda root: reads.append(root) or real_load(root))
    eve = fingerprint(settings, before, today=dt.date(2021, 12, 31))
    assert (eve.digest, reads) == (before.digest, []), "nothing changes before the day, and the library is not read again"
    day = fingerprint(settings, eve, today=dt.date(2022, 1, 1))
    assert day.digest != eve.digest and day.changed_values(eve) == [fp_module.IN_FORCE, fp_module.IN_FORCE_UNTIL]
    assert day.diff(eve) == {}, "no file changed"
    assert day.values[fp_module.IN_FORCE_UNTIL] == "2022-07-01", "the next boundary: a fictional local regulation taking effect"
    later = fingerprint(settings, day, today=dt.date(2030, 1, 1))
    assert later.digest != day.digest and later.diff(day) == {} and len(reads) == 2, "past a boundary the library is read again"
    assert later.values[fp_module.IN_FORCE_UNTIL] == "", "no later boundary in the sample library"
    assert fingerprint(settings, later, today=dt.date(2031, 1, 1)).digest == later.digest and len(reads) == 2


def test_an_edited_library_is_read_again(settings: Settings, tmp_path: Path) -> None:
    library = tmp_path / "laws"
    shutil.copytree(SAMPLE_LAWS, library)
    settings = dataclasses.replace(settings, paths=dataclasses.replace(settings.paths, law_library=library))
    first = fingerprint(settings, today=dt.date(2025, 1, 1))
    newer = library / "地方性法规" / "示例市河湖保洁条例(2021-09-15).md"
    newer.rename(newer.with_name("示例市河湖保洁条例(2026-09-15).md"))
    second = fingerprint(settings, first, today=dt.date(2025, 1, 1))
    assert second.diff(first)["law_library"]
    assert second.values[fp_module.IN_FORCE_UNTIL] != first.values[fp_module.IN_FORCE_UNTIL]
