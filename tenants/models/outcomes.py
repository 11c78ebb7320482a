"""What residents achieve, reported once a year through their status link."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .companies import Company


class OutcomeSurvey(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="outcome_surveys", verbose_name=_("company")
    )
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("application")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    head_count = models.PositiveIntegerField(_("people employed on campus"), null=True, blank=True)
    funding_raised = models.DecimalField(
        _("funding raised in the year (USD)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    patents_filed = models.PositiveIntegerField(_("patents filed"), null=True, blank=True)
    clinical_trials_started = models.PositiveIntegerField(_("clinical trials started"), null=True, blank=True)
    products_launched = models.PositiveIntegerField(_("products launched"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "company"]
        verbose_name = _("outcome survey")
        verbose_name_plural = _("outcome surveys")
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="tenants_outcome_once_a_year")]

    def __str__(self) -> str:
        return f"{self.company} · {self.year}"

    ANSWER_FIELDS = ("head_count", "funding_raised", "patents_filed", "clinical_trials_started", "products_launched")
