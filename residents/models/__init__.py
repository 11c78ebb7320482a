"""The residents' models, one module per feature."""

from .members import Invitation, Membership
from .stages import MilestoneEvidence, MilestoneReport, StageMilestone, StageTransition

__all__ = ["Invitation", "Membership", "MilestoneEvidence", "MilestoneReport", "StageMilestone", "StageTransition"]
