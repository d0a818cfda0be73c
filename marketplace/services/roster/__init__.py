"""Roster imports: the uploaded file and its rows, matching them to reference data and workers,
the plan, the bulk write, the job behind it, the template, and the reasons for refusals.
"""

from .file import cell_text, column_map, decode_csv, header_names, read_header, read_table, sniff
from .imports import (
    check_file,
    failure_message,
    get_import,
    issue_invitations,
    list_imports,
    retry_import,
    start_import,
)
from .job import execute_import, report_of
from .match import in_chunks, load_existing, load_lookups
from .plan import plan_rows
from .reasons import file_reason, row_reason
from .relations import allowed_fields, load_relations
from .rows import check_row, key, parse_skill_list
from .template import headers, rows_to_csv, rows_to_xlsx, sample_rows, template_workbook
from .write import tell_updated_workers, token_hash, unusable_password, write_plan
from .xlsx import xlsx_rows

__all__ = [
    "allowed_fields",
    "cell_text",
    "check_file",
    "check_row",
    "column_map",
    "decode_csv",
    "execute_import",
    "failure_message",
    "file_reason",
    "get_import",
    "header_names",
    "headers",
    "in_chunks",
    "issue_invitations",
    "key",
    "list_imports",
    "load_existing",
    "load_lookups",
    "load_relations",
    "parse_skill_list",
    "plan_rows",
    "read_header",
    "read_table",
    "report_of",
    "retry_import",
    "row_reason",
    "rows_to_csv",
    "rows_to_xlsx",
    "sample_rows",
    "sniff",
    "start_import",
    "tell_updated_workers",
    "template_workbook",
    "token_hash",
    "unusable_password",
    "write_plan",
    "xlsx_rows",
]
