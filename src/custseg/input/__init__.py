"""Reading the inputs: sources, encodings, header mapping, CSV and spreadsheet readers."""
