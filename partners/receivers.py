"""Model signal receivers of the partners app: cached tokens are forgotten when they or their partner change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Partner, PartnerToken
from .tokens import forget_tokens


@receiver([post_save, post_delete], sender=PartnerToken, dispatch_uid="partners.forget_token")
def forget_token(sender, instance: PartnerToken, **kwargs) -> None:
    forget_tokens([instance.token_hash])


@receiver([post_save, post_delete], sender=Partner, dispatch_uid="partners.forget_partner_tokens")
def forget_partner_tokens(sender, instance: Partner, **kwargs) -> None:
    forget_tokens(list(PartnerToken.objects.filter(partner=instance).values_list("token_hash", flat=True)))
