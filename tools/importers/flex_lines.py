"""Line numbers of the elements of a Flex XML file, so problems can point at a line.

ibflex returns typed objects without positions; a first pass with expat records where each
element starts, per statement and tag, in document order (the order ibflex keeps). The same
pass finds a truncated or malformed file before ibflex sees it.
"""

from __future__ import annotations

from xml.parsers import expat

from tools.errors import DataValidationError, Problem


class FlexLines:
    """``line(statement, tag, ordinal)``: where the ordinal-th ``tag`` of a statement starts."""

    def __init__(self, name: str, data: bytes) -> None:
        self._lines: dict[tuple[int, str], list[int]] = {}
        self._statement = -1
        parser = expat.ParserCreate()
        parser.StartElementHandler = self._start
        self._parser = parser
        try:
            parser.Parse(data, True)
        except expat.ExpatError as error:
            reason = expat.errors.messages.get(error.code, str(error))
            hint = (
                " (is the file truncated?)"
                if "no element" in reason or "unclosed" in reason
                else ""
            )
            message = f"not well-formed XML: {reason} at column {error.offset}{hint}"
            raise DataValidationError([Problem(name, error.lineno, None, message)]) from error

    def _start(self, tag: str, _attributes: dict[str, str]) -> None:
        if tag == "FlexStatement":
            self._statement += 1
        key = (self._statement, tag)
        self._lines.setdefault(key, []).append(self._parser.CurrentLineNumber)

    def line(self, statement: int, tag: str, ordinal: int) -> int | None:
        lines = self._lines.get((statement, tag), [])
        return lines[ordinal] if ordinal < len(lines) else None
