"""Errors every layer may raise; the CLI maps them to exit codes (1 = user error)."""


class EnzymeCompatError(Exception):
    """A problem with the user's input or environment, reported without a traceback."""

    exit_code = 1

    def format(self) -> str:
        return str(self)
