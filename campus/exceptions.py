"""Domain errors of the campus app. They are ValidationErrors so forms show them by field."""

from django.core.exceptions import ValidationError


class AllocationConflict(ValidationError):
    """Too little of the space is free on a day of the requested period, or the company has it already."""

    code = "overlap"

    @classmethod
    def raise_if_in(cls, error: ValidationError) -> None:
        """Re-raise a model validation error as a conflict when a lack of free area is among its causes."""
        errors = getattr(error, "error_dict", {})
        causes = [*errors.get("starts_on", []), *errors.get("area_m2", [])]
        if any(cause.code == cls.code for cause in causes):
            raise cls(error.error_dict) from error
