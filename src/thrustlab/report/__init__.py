"""Reports: the self-contained HTML report and the terminal rendering."""
