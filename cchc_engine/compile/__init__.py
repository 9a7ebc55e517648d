"""Compiling (tổng hợp) many units' reports into the level above.

``collect`` reads many submissions into small unit results (the I/O edge), ``unitcache``
keeps them between runs, ``aggregate`` compiles them (pure, no I/O).
"""
