"""Audit receivers for sign-in events and role changes."""

from __future__ import annotations

from allauth.account.signals import password_changed, password_reset
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from core.models import AuditEvent, User
from core.principal import principal_forget, principal_forget_all
from core.services import audit_record


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):  # noqa: ANN001, ANN003
    audit_record(action=AuditEvent.Action.LOGIN, actor=user, target=user.get_username(), request=request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):  # noqa: ANN001, ANN003
    if user is not None:
        audit_record(action=AuditEvent.Action.LOGOUT, actor=user, target=user.get_username(), request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):  # noqa: ANN001, ANN003
    typed = str(credentials.get("username") or credentials.get("email") or credentials.get("login") or "")
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, actor_label=typed, target=typed, request=request)


@receiver(password_changed)
@receiver(password_reset)
def _on_password_changed(sender, request, user, **kwargs):  # noqa: ANN001, ANN003
    if user.must_change_password:
        User.objects.filter(pk=user.pk).update(must_change_password=False)
        user.must_change_password = False
        principal_forget(user.pk)
    audit_record(action=AuditEvent.Action.PASSWORD_CHANGED, actor=user, target=user.get_username(), request=request)


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _forget_cached_user(sender, instance, **kwargs):  # noqa: ANN001, ANN003
    principal_forget(instance.pk)


@receiver(post_save, sender=Group)
@receiver(post_delete, sender=Group)
def _forget_all_principals(sender, **kwargs):  # noqa: ANN001, ANN003
    principal_forget_all()


@receiver(m2m_changed, sender=User.groups.through)
def _on_groups_changed(sender, instance, action, pk_set, **kwargs):  # noqa: ANN001, ANN003
    if isinstance(instance, Group) and action.startswith("post_"):
        for user_id in pk_set or []:  # changed from the group's side
            principal_forget(user_id)
        if action == "post_clear":
            principal_forget_all()
    if action not in {"post_add", "post_remove", "post_clear"} or not isinstance(instance, User):
        return
    principal_forget(instance.pk)
    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit_record(
        action=AuditEvent.Action.ROLE_CHANGED,
        target=instance.get_username(),
        detail={"change": action.removeprefix("post_"), "roles": names},
    )


def _on_authenticator_saved(sender, instance, created, **kwargs):  # noqa: ANN001, ANN003
    """Enrolling an authenticator (a correct code typed now) counts as this session's two-step sign-in."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    from core.middleware import current_request

    request = current_request.get()
    if not created or instance.type != Authenticator.Type.TOTP or request is None:
        return
    if getattr(request, "user", None) is not None and request.user.pk == instance.user_id:
        record_authentication(request, request.user, "mfa", id=instance.pk, type=instance.type, enrolled=True)


def connect_authenticator_receiver() -> None:
    from allauth.mfa.models import Authenticator

    post_save.connect(_on_authenticator_saved, sender=Authenticator, dispatch_uid="thads-authenticator-enrolled")
