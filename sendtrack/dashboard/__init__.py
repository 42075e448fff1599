"""The statistics dashboard, its charts, drill-down and downloads."""
