"""The view the nightly job builds from: the content tree without every file the loader found a problem in."""

from __future__ import annotations

from pathlib import Path

from fazhi.config import Settings, default_paths
from fazhi_app.publish_view import clean_leftovers, publish_view


def article(root: Path, rel: str, slug: str, date: str = "2025-03-01") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: 标题{slug}\ndate: {date}\ncolumn: cases\nslug: {slug}\n---\n\n正文内容。\n", "utf-8")
    return path


def test_files_with_problems_are_left_out_of_a_linked_view_and_the_tree_is_untouched(tmp_path: Path) -> None:
    settings = Settings(paths=default_paths(tmp_path))
    content = settings.paths.content
    good = article(content, "cases/2025/good/index.md", "good")
    article(content, "cases/2025/twin/index.md", "twin")
    article(content, "cases/2025/twin-copy/index.md", "twin")  # duplicate slug: the loader keeps the first
    bad = article(content, "cases/2025/bad/index.md", "bad", date="2025-13-45")
    (content / "index.md").write_text("# 首页\n", "utf-8")

    view = publish_view(settings, "20260101T000000Z")
    assert view.tree.ok and view.root is not None and view.settings.paths.content == view.root
    assert sorted(view.excluded) == ["cases/2025/bad/index.md", "cases/2025/twin-copy/index.md"]
    assert sorted(a.slug for a in view.tree.articles) == ["good", "twin"]
    assert (view.root / "index.md").is_file() and (view.root / "cases/2025/good/index.md").samefile(good)
    assert bad.is_file() and (content / "cases/2025/twin-copy/index.md").is_file(), "the content tree keeps every file"
    assert clean_leftovers(settings) == ["view-20260101T000000Z"] and not view.root.exists()

    bad.unlink()
    (content / "cases/2025/twin-copy/index.md").unlink()
    clean = publish_view(settings, "20260101T000001Z")
    assert clean.root is None and clean.settings is settings and clean.excluded == []
