"""The one exception the XLSForm package raises for a form that cannot be used."""

from __future__ import annotations


class FormError(Exception):
    """A problem in an XLSForm, located as a person finds it in Excel.

    ``row`` is the spreadsheet row number as shown by Excel (the header is row 1).
    ``str()`` reads like: survey sheet, row 7, column "type": unknown question type 'geopint'
    """

    def __init__(
        self,
        message: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.sheet = sheet
        self.row = row
        self.column = column

    def located(
        self, sheet: str | None = None, row: int | None = None, column: str | None = None
    ) -> FormError:
        """Fill in the parts of the location that are still unknown; returns self."""
        self.sheet = self.sheet or sheet
        self.row = self.row or row
        self.column = self.column or column
        return self

    @property
    def where(self) -> str:
        """The location part of the message, e.g. 'survey sheet, row 7'."""
        parts = []
        if self.sheet:
            parts.append(f"{self.sheet} sheet")
        if self.row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f'column "{self.column}"')
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message
