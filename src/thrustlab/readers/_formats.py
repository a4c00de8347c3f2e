"""Files the readers do not read, known by their names: videos (for the video analysis)
and spreadsheets (refused, with the export to choose); shared with the web's upload check."""

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv")

SPREADSHEET = (
    "is a spreadsheet (Excel or OpenDocument), not a CSV; export the recording as CSV "
    "(phyphox: Export Data, then CSV)"
)
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
