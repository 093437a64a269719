"""Gugus: the integrated information system of the Gugus Tugas PP TPPO."""

__version__ = "0.1.0"
