from core.testing import ANONYMOUS, EVERYONE, PUBLIC, Rule, roles

NOBODY = frozenset()  # refused to every role: 403 when signed in, the site's sign-in when anonymous

ACCESS = {
    "core:home": Rule(allowed=EVERYONE),
    "core:audit-log": Rule(allowed=roles("admin")),
    "core:healthz": Rule(allowed=PUBLIC),
    "set_language": Rule(allowed=PUBLIC, method="post", data=lambda world: {"language": "vi", "next": "/"}),
}


# --- Django admin: only Django staff (none of the roles by itself) reach it, after the site's sign-in
# with its two-step check (core.admin_site; core/tests/test_admin_signin.py signs in as staff).

def _admin_rules() -> dict[str, Rule]:
    from django.contrib import admin

    rules = {
        "admin:index": Rule(allowed=NOBODY),
        "admin:login": Rule(allowed=NOBODY),
        "admin:logout": Rule(allowed=NOBODY, method="post"),
        "admin:password_change": Rule(allowed=NOBODY),
        "admin:password_change_done": Rule(allowed=NOBODY),
        "admin:autocomplete": Rule(allowed=NOBODY),
        "admin:jsi18n": Rule(allowed=NOBODY),
        "admin:view_on_site": Rule(allowed=NOBODY, kwargs=lambda world: {"content_type_id": 1, "object_id": "1"}),
        "admin:auth_user_password_change": Rule(allowed=NOBODY, kwargs=lambda world: {"id": world.user("officer").pk}),
        "admin:<unnamed (?P<url>.*)$>": Rule(allowed=NOBODY, path="/admin/no-such-page/"),
        "admin:<unnamed <path:object_id>/>": Rule(allowed=NOBODY, path="/admin/core/user/1/"),
    }
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        rules[f"{base}_changelist"] = Rule(allowed=NOBODY)
        rules[f"{base}_add"] = Rule(allowed=NOBODY)
        for view in ("change", "delete", "history"):
            rules[f"{base}_{view}"] = Rule(allowed=NOBODY, kwargs=lambda world: {"object_id": "1"})
    app_labels = {model._meta.app_label for model in admin.site._registry}
    for label in sorted(app_labels):
        rules[f"admin:app_list@{label}"] = Rule(allowed=NOBODY, kwargs=lambda world, label=label: {"app_label": label})
    return rules


ACCESS.update(_admin_rules())


# --- Sign-in, password and two-step pages (django-allauth). "Allowed" includes allauth's redirect of a
# signed-in person away from the sign-in page; refused anonymous visits go to the sign-in page.

ANYONE_SIGNED_IN = EVERYONE
ACCESS.update({
    "account_login": Rule(allowed=PUBLIC),
    "account_logout": Rule(allowed=ANYONE_SIGNED_IN),
    "account_signup": Rule(allowed=PUBLIC),
    "account_inactive": Rule(allowed=PUBLIC),
    "account_email": Rule(allowed=ANYONE_SIGNED_IN),
    "account_email_verification_sent": Rule(allowed=PUBLIC),
    "account_confirm_email": Rule(allowed=PUBLIC, kwargs=lambda world: {"key": "not-a-key"}),
    "account_change_password": Rule(allowed=ANYONE_SIGNED_IN),
    "account_set_password": Rule(allowed=ANYONE_SIGNED_IN),
    "account_reauthenticate": Rule(allowed=ANYONE_SIGNED_IN),
    "account_reset_password": Rule(allowed=PUBLIC),
    "account_reset_password_done": Rule(allowed=PUBLIC),
    "account_reset_password_from_key": Rule(allowed=PUBLIC,
                                            kwargs=lambda world: {"uidb36": "1", "key": "not-a-key"}),
    "account_reset_password_from_key_done": Rule(allowed=PUBLIC),
    # Steps in the middle of a sign-in: without one pending, anonymous visitors go to the sign-in page
    # and signed-in people are sent on to their work.
    "account_confirm_login_code": Rule(allowed=ANYONE_SIGNED_IN),
    "account_request_reauthentication_code": Rule(allowed=ANYONE_SIGNED_IN),
    "account_confirm_reauthentication_code": Rule(allowed=ANYONE_SIGNED_IN),
    "mfa_index": Rule(allowed=ANYONE_SIGNED_IN),
    "mfa_activate_totp": Rule(allowed=ANYONE_SIGNED_IN),
    # 404 for anyone without an authenticator, and none of the matrix's accounts has one.
    "mfa_deactivate_totp": Rule(allowed=NOBODY),
    "mfa_authenticate": Rule(allowed=ANYONE_SIGNED_IN),
    "mfa_reauthenticate": Rule(allowed=ANYONE_SIGNED_IN),
    "mfa_view_recovery_codes": Rule(allowed=NOBODY),
    "mfa_generate_recovery_codes": Rule(allowed=ANYONE_SIGNED_IN),
    "mfa_download_recovery_codes": Rule(allowed=NOBODY),
})
assert ANONYMOUS not in ANYONE_SIGNED_IN
