"""Fixed vocabularies of the campus domain. Labels are translated; values are stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformStages(models.TextChoices):
    RESEARCH_AND_DEVELOPMENT = "research_and_development", _("Research and development")
    INCUBATION = "incubation", _("Incubation")
    DEMONSTRATION = "demonstration", _("Demonstration")
    COMMERCIAL_LAUNCH = "commercial_launch", _("Commercial launch")


class BusinessAreas(models.TextChoices):
    PHARMACY = "pharmacy", _("Pharmacy")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    EQUIPMENT = "equipment", _("Equipment")
    DIGITIZATION = "digitization", _("Digitization")


class Gases(models.TextChoices):
    CO2 = "co2", _("Carbon dioxide (CO₂)")
    N2 = "n2", _("Nitrogen (N₂)")
    O2 = "o2", _("Oxygen (O₂)")
    COMPRESSED_AIR = "compressed_air", _("Compressed air")
    VACUUM = "vacuum", _("Vacuum")
    ARGON = "argon", _("Argon")


class SpaceKind(models.TextChoices):
    LABORATORY = "laboratory", _("Laboratory")
    OFFICE = "office", _("Office")
    CLEAN_ROOM = "clean_room", _("Clean room")
    PILOT_PLANT = "pilot_plant", _("Pilot plant")
    DEMONSTRATION_HALL = "demonstration_hall", _("Demonstration hall")
    SHOWROOM = "showroom", _("Showroom")
    MEETING_ROOM = "meeting_room", _("Meeting room")


class BiosafetyLevel(models.TextChoices):
    BSL1 = "bsl1", _("BSL-1")
    BSL2 = "bsl2", _("BSL-2")
    BSL3 = "bsl3", _("BSL-3")


class CleanRoomClass(models.TextChoices):
    """ISO 14644-1 air cleanliness classes commonly rented on life-science campuses."""

    ISO5 = "iso5", _("ISO 5")
    ISO6 = "iso6", _("ISO 6")
    ISO7 = "iso7", _("ISO 7")
    ISO8 = "iso8", _("ISO 8")


class TargetMetric(models.TextChoices):
    RESIDENT_COMPANIES = "resident_companies", _("Resident companies")


class TargetComparison(models.TextChoices):
    MORE_THAN = "more_than", _("More than")
    AT_LEAST = "at_least", _("At least")
