from core.testing import EVERYONE, PUBLIC, Rule, roles

ACCESS = {
    "core:home": Rule(allowed=EVERYONE),
    "core:audit-log": Rule(allowed=roles("admin")),
    "core:healthz": Rule(allowed=PUBLIC),
}
