"""Plan import and export pages (upload a spreadsheet, download one)."""
