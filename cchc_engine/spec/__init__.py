"""Specs: the model (model.py), safe loading (loader.py), checking and compiling (compiler.py), lookup (registry.py)."""
