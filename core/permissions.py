from core.roles import Role, has_role


def can_view_audit_log(user) -> bool:  # noqa: ANN001
    return has_role(user, Role.ADMIN)


def require(check):  # noqa: ANN001, ANN201
    """View decorator: 403 unless `check(request.user)` is true."""
    from functools import wraps

    from django.core.exceptions import PermissionDenied

    def decorator(view):  # noqa: ANN001, ANN202
        @wraps(view)
        def wrapper(request, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
