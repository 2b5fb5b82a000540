"""Nyx's LoRA training recipe.

Everything here but `cli.train` uses the standard library only, so the data loading, the checks
and the argument handling run (and are tested) on machines without a GPU, torch or PyPI.
"""
