"""What custseg writes: labels, CSV/JSON tables, atomic writes, the summary tables and the workbook."""
