"""The text inside attachments and images: a layer beside ``scraper`` and ``search``, above ``fazhi``.

    extract_file(path, verdict, limits) -> Extraction     (run.py)

The reader is chosen by the file's verdict from ``fazhi.filetypes`` (its bytes, never its name):

    pdf.py       PDF text layer, page by page (pypdf)
    packages.py  DOCX, XLSX, PPTX, ODF and OFD: XML read from the ZIP within size and ratio caps (lxml)
    legacy.py    Word 97–2003 / WPS by the piece table (olefile), Excel 97–2003 / ET (xlrd)
    plain.py     plain text and CSV, charset detected (charset-normalizer)
    ocr.py       images, by Tesseract with its simplified-Chinese model
    result.py    Extraction (status, reason, text, pages, extractor, version, seconds) and Limits

Every file is read in a child process capped in time and memory (``run.py``); text comes out folded
as queries are (``fazhi.normalize.tidy_text``).
"""

from extract.result import Extraction, Limits, Status
from extract.run import EXTRACTOR_VERSIONS, Reader, extract_file, extractor_for

__all__ = ["EXTRACTOR_VERSIONS", "Extraction", "Limits", "Reader", "Status", "extract_file", "extractor_for"]
