"""Files known by their names: the sensor exports the readers take (the content then tells
the format), videos (for the video analysis) and spreadsheets (refused, with the export to
choose); shared with the batch's folder scan and the web's upload check."""

RECORDING_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".zip", ".sqlite")
"""Names a sensor export can have: what a batch takes from a folder and the upload form
accepts (the readers sniff the content, so the suffix only says which files to try)."""
SQLITE_START = b"SQLite format 3\x00"
"""How an SQLite database starts (Sensor Logger's SQLite export): the one binary export."""
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv")

SPREADSHEET = (
    "is a spreadsheet (Excel or OpenDocument), not a CSV; export the recording as CSV "
    "(phyphox: Export Data, then CSV)"
)
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
