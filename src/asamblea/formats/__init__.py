"""Readers and writers for the file formats of the field (BLT, PrefLib, Pabulib, CSV, boards)."""
