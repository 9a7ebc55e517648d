"""Text and language: the message catalogue, the run's language, text cleaning and matching,
input errors in the catalogue's words, text made safe for writers, terminal tables.

This package imports nothing itself, so ``cchc --help`` stays cheap.
"""
