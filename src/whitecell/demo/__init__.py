"""`whitecell demo`: a demo account with a few weeks of realistic data in every module.

`service.create_demo` is the entry point; each module's rows come from its own builder (`study`,
`fitness`, `mind`, `discipline`, `creator`, `ai`, then `gamification` from what they made), and
every row goes through `writer.Writer`, which validates it exactly as the HTTP API would.
"""

# The API validates addresses with email-validator, which refuses special-use domains such as
# `.local` and `.test`: example.com (RFC 2606) is reserved for examples yet accepted for sign-in.
DEFAULT_EMAIL = "demo@example.com"
DEFAULT_PASSWORD = "whitecell-demo"  # noqa: S105  (printed on purpose: it is a demo account)
