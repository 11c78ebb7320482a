"""Domain errors of the campus app. They are ValidationErrors so forms show them by field."""

from django.core.exceptions import ValidationError


class AllocationConflict(ValidationError):
    """The space is already allocated to someone else for part of the requested period."""

    code = "overlap"

    @classmethod
    def raise_if_in(cls, error: ValidationError) -> None:
        """Re-raise a model validation error as a conflict when an overlap is among its causes."""
        causes = getattr(error, "error_dict", {}).get("starts_on", [])
        if any(cause.code == cls.code for cause in causes):
            raise cls(error.error_dict) from error
