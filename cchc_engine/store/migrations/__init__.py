"""Alembic migrations of the store, shipped inside the package (run by ``Store.open``
and ``cchc db upgrade``). One numbered file per schema change; never edit a released one."""
