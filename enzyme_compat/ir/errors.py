"""Located errors: `FILE:LINE:COL: error: MESSAGE`, the source line and a caret."""

from __future__ import annotations

from ..errors import EnzymeCompatError


class ParseError(EnzymeCompatError):
    def __init__(self, message: str, source: str, offset: int, filename: str = "<input>"):
        self.message = message
        self.filename = filename
        offset = max(0, min(offset, len(source)))
        self.line = source.count("\n", 0, offset) + 1
        start = source.rfind("\n", 0, offset) + 1
        end = source.find("\n", offset)
        self.source_line = source[start: end if end >= 0 else len(source)]
        self.column = offset - start + 1
        super().__init__(self.format())

    def format(self) -> str:
        caret = "".join("\t" if c == "\t" else " " for c in self.source_line[: self.column - 1])
        return (f"{self.filename}:{self.line}:{self.column}: error: {self.message}\n"
                f"{self.source_line}\n{caret}^")


class ConversionError(EnzymeCompatError):
    """The module uses a construct the target release cannot express."""
