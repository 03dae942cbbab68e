"""Drop the cached principal (core.principal) when the rows it copies change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.principal import principal_forget, principal_forget_all
from org.models import Officer, Position, Unit


@receiver(post_save, sender=Officer)
@receiver(post_delete, sender=Officer)
def _forget_officer(sender, instance, **kwargs):  # noqa: ANN001, ANN003
    principal_forget(instance.user_id)


@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
@receiver(post_save, sender=Position)
@receiver(post_delete, sender=Position)
def _forget_everyone(sender, **kwargs):  # noqa: ANN001, ANN003
    principal_forget_all()
