"""The stages from a file to a Result, in the order data passes through them.

1. ``pipeline``   — the reading edge: choose a reader, read the file, settle level, period, unit
2. ``grid``       — the cell grid a reader produces
3. ``layout``     — any cell grid → appendix rows
4. ``submission`` — raw rows (or raw values by key) plus what the title says
5. ``metadata``   — what the document says of itself: its spec, contradicting options
6. ``mapping``    — rows matched to the spec's indicators
7. ``values``     — each raw cell normalised by its indicator's type
8. ``expr``       — the expression language of formulas and rules
9. ``engine``     — the pure core: compiled spec + mapped submission → Result
10. ``periods``   — checks across periods
11. ``coverage``  — what became of every value in the file
12. ``findings``  — errors as data, gathered along the way
13. ``result``    — the computed report
14. ``output``    — choosing a writer and writing the result

Compiling many reports is ``cchc_engine.compile``; words and languages are ``cchc_engine.text``.
This package imports nothing itself, so ``cchc --help`` stays cheap.
"""
