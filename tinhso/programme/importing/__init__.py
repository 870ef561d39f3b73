"""The programme importer: a province's digital-transformation scheme (Word, Excel template, or
pasted text) → typed targets and tasks, with rejections explained in Vietnamese, then saved.

The readers (``readers``, ``blocks``, ``headers``, ``task_rows``, ``targets``, …) use no models
and no database; ``pipeline`` (:func:`pipeline.programme_import`, the one entry point of the
upload page, the API and the ``programme_import`` command) matches agency names and saves, all
or nothing, and builds the preview. It is not imported here, so that reading stays free of
the ORM."""

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
