"""What the readers say of files they do not read, shared with the web's upload check."""

SPREADSHEET = (
    "is a spreadsheet (Excel or OpenDocument), not a CSV; export the recording as CSV "
    "(phyphox: Export Data, then CSV)"
)
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
