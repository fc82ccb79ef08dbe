"""Reading input files: CSV, Excel and Parquet into one frame, with the row numbers a spreadsheet shows."""
