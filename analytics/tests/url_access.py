from core.testing import PUBLIC, Rule, roles

ACCESS = {
    # The xAPI endpoint authenticates source systems by token, never by session: every signed-in
    # role and anonymous visitors without a token are refused (403); tokens: test_api_xapi.py.
    "xapi:statements": Rule(allowed=roles(), method="post", data=lambda w: {}),
    "xapi:openapi": Rule(allowed=PUBLIC),
}
