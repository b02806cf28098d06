"""Translation: extracting units, PO and XLIFF files, applying translations."""
