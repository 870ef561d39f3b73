"""The parsing layer of the programme importer: a province's digital-transformation scheme
(Word, Excel template, or pasted text) → typed targets and tasks, with rejections explained in
Vietnamese. No models and no database here; matching agencies and saving come after."""

from .readers import parse_docx, parse_file, parse_text, parse_xlsx
from .template import build_template
from .types import (
    Budget,
    DocumentMeta,
    Milestone,
    ParsedTarget,
    ParsedTask,
    ParseResult,
    Rejection,
)

__all__ = [
    "Budget",
    "DocumentMeta",
    "Milestone",
    "ParseResult",
    "ParsedTarget",
    "ParsedTask",
    "Rejection",
    "build_template",
    "parse_docx",
    "parse_file",
    "parse_text",
    "parse_xlsx",
]
