"""Each format's text, from files of our own making whose text is known; extracted text folded as queries are."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extract import EXTRACTOR_VERSIONS, Limits, extract_file, extractor_for
from extract.ocr import ocr_missing
from fazhi import filetypes
from fazhi.filetypes import identify
from fazhi.normalize import tidy_text
from tests.extract import files

LIMITS = Limits()
CASE = "某化工有限公司未批先建案"
DECISION = "依据《中华人民共和国环境影响评价法》第三十一条，责令停止建设，处罚款人民币伍拾万元。"


def extracted(tmp_path: Path, name: str, data: bytes, limits: Limits = LIMITS):
    path = tmp_path / name
    path.write_bytes(data)
    return extract_file(path, identify(data), limits)


def test_docx_paragraphs_in_order(tmp_path: Path) -> None:
    done = extracted(tmp_path, "decision.docx", files.docx([CASE, DECISION]))
    assert (done.status, done.extractor, done.version) == ("ok", "docx", EXTRACTOR_VERSIONS["docx"])
    assert done.text == f"{CASE}\n{tidy_text(DECISION)}"
    assert done.seconds > 0


def test_xlsx_rows_a_line_and_cells_by_tab(tmp_path: Path) -> None:
    done = extracted(tmp_path, "cases.xlsx", files.xlsx([["案件名称", "处罚金额"], [CASE, "伍拾万元"]]))
    assert done.status == "ok"
    assert done.text == f"案件名称\t处罚金额\n{CASE}\t伍拾万元"


def test_odt_spans_joined_within_a_paragraph(tmp_path: Path) -> None:
    done = extracted(tmp_path, "notice.odt", files.odt([CASE, "以案释法"]))
    assert (done.status, done.extractor, done.text) == ("ok", "odf", f"{CASE}\n以案释法")


def test_ofd_pages_in_document_order(tmp_path: Path) -> None:
    done = extracted(tmp_path, "official.ofd", files.ofd([["赣环罚〔2024〕12号", CASE], ["第二页 行政处罚决定"]]))
    assert (done.status, done.extractor) == ("ok", "ofd")
    assert done.pages == (f"赣环罚〔2024〕12号\n{CASE}", "第二页行政处罚决定")
    assert done.text == "\n\n".join(done.pages)


def test_word97_piece_table(tmp_path: Path) -> None:
    data = files.word97(f"{CASE}\r{DECISION}\r")
    assert identify(data) is filetypes.WORD
    done = extracted(tmp_path, "decision.doc", data)
    assert (done.status, done.extractor) == ("ok", "doc")
    assert done.text == f"{CASE}\n{tidy_text(DECISION)}"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8"])
def test_text_in_its_own_charset(tmp_path: Path, encoding: str) -> None:
    done = extracted(tmp_path, "list.csv", f"序号,案件\n1,{CASE}\n2,{DECISION}\n".encode(encoding))
    assert done.status == "ok"
    assert done.text.splitlines()[1] == f"1,{CASE}"


def test_full_width_and_compatibility_forms_fold_like_a_query(tmp_path: Path) -> None:
    done = extracted(tmp_path, "forms.docx", files.docx(["第１２条　ＡＢＣ 罚 款\u200b五万元\uf900"]))
    assert done.text == "第12条 ABC 罚款五万元豈"


@pytest.mark.skipif(not files.can_print(), reason="headless Chromium (/usr/bin/chromium) is needed to print a PDF")
def test_pdf_printed_from_chinese_html_page_by_page(tmp_path: Path) -> None:
    path = files.printed_pdf([CASE, DECISION, "\f", "第二页：生态环境损害赔偿"], tmp_path)
    done = extract_file(path, filetypes.PDF, LIMITS)
    assert (done.status, done.extractor, len(done.pages)) == ("ok", "pdf", 2)
    assert done.pages[0] == f"{CASE}\n{tidy_text(DECISION)}"
    assert done.pages[1] == "第二页:生态环境损害赔偿"


def test_a_pdf_without_text_layer_is_empty(tmp_path: Path) -> None:
    done = extracted(tmp_path, "scan.pdf", files.blank_pdf(1))
    assert (done.status, done.reason, done.pages) == ("empty", "no text layer (a scan?)", ("",))


@pytest.mark.skipif(bool(ocr_missing()), reason=ocr_missing() or "-")
def test_ocr_reads_chinese_drawn_in_a_picture(tmp_path: Path) -> None:
    path = tmp_path / "infographic.png"
    files.image(["生态环境损害赔偿制度", "行政处罚决定书"], size=40, background=(230, 240, 255)).save(path)
    done = extract_file(path, filetypes.PNG, LIMITS)
    assert (done.status, done.extractor) == ("ok", "ocr")
    assert len(done.text.split("\n")) == 2
    assert files.error_rate("生态环境损害赔偿制度行政处罚决定书", done.text) <= 0.15, done.text  # the benchmark measures the rate


def test_ocr_off_skips_images(tmp_path: Path) -> None:
    path = tmp_path / "infographic.png"
    files.image(["一图读懂"]).save(path)
    done = extract_file(path, filetypes.PNG, replace(LIMITS, ocr=False))
    assert (done.status, done.reason) == ("skipped", "OCR is off (extract.ocr: false)")


def test_without_tesseract_ocr_is_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "infographic.png"
    files.image(["一图读懂"]).save(path)
    monkeypatch.setenv("PATH", str(tmp_path))
    ocr_missing.cache_clear()
    try:
        done = extract_file(path, filetypes.PNG, LIMITS)
    finally:
        monkeypatch.undo()
        ocr_missing.cache_clear()
    assert (done.status, done.extractor) == ("unavailable", "ocr")
    assert done.reason.startswith("Tesseract is not installed")


@pytest.mark.parametrize("kind", [filetypes.ZIP, filetypes.RAR, filetypes.SEVEN_ZIP, filetypes.POWERPOINT])
def test_types_without_a_reader_are_skipped(tmp_path: Path, kind: filetypes.FileType) -> None:
    assert extractor_for(kind) is None
    done = extract_file(tmp_path / "x", kind, LIMITS)
    assert (done.status, done.reason) == ("skipped", f"no text is read from a {kind.label}")


@pytest.mark.skipif(bool(ocr_missing()), reason=ocr_missing() or "-")
@pytest.mark.parametrize(("lines", "background", "colour", "stripes", "name"), [
    (["守护绿水青山", "建设项目环境影响评价分类管理", "排污许可证申请与核发"], (24, 78, 140), (255, 255, 255), None, "dark.jpg"),
    (["建设项目环境影响评价分类管理", "排污许可证申请与核发", "一图读懂新修订的固体废物污染环境防治法"],
     (222, 240, 226), (20, 70, 40), (200, 226, 206), "striped.png"),
    (["排污许可证申请与核发", "一图读懂新修订的固体废物污染环境防治法", "生产者责任延伸制度"],
     (250, 226, 226), (150, 20, 20), (240, 206, 206), "striped.jpg"),
])
def test_ocr_reads_text_on_dark_and_striped_grounds(tmp_path: Path, lines: list[str], background: tuple[int, int, int],
                                                    colour: tuple[int, int, int], stripes: tuple[int, int, int] | None, name: str) -> None:
    """Infographics of the benchmark at 32 px, where the grey image with automatic layout lost whole lines."""
    path = tmp_path / name
    files.image(lines, size=32, background=background, colour=colour, stripes=stripes).save(path, quality=70)
    done = extract_file(path, identify(path.read_bytes()), LIMITS)
    assert (done.status, done.version) == ("ok", EXTRACTOR_VERSIONS["ocr"])
    assert files.error_rate("".join(lines), done.text) <= 0.05, done.text
