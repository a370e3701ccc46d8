"""Form widgets shared by every area."""

from typing import Any

from django import forms


class DateInput(forms.DateInput):
    """The browser's date picker. Its value must be ISO (2026-11-30) whatever the page's
    language: Django would write the Indonesian format (30-11-2026), which the picker cannot
    read and shows as empty, so a saved date or a default vanished from the form."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """The browser's date-and-time picker, with an ISO value for the same reason."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
