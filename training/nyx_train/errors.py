"""The one error the recipe raises for bad input: a usage, configuration or data problem."""


class RecipeError(Exception):
    """Bad input, named: the flag, the configuration key, or the file and line."""
