"""Documents made from a plan's progress for the office: tables (CSV, XLSX)."""
