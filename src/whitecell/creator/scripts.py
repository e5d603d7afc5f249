"""A template's script filled in (docs/creator.md, "Templates"): `{{placeholder}}` in
`scriptTemplate` replaced by the given values, with Jinja2's sandboxed environment.

Only plain text and `{{name}}` are accepted: no statements, filters, attributes or calls, so a
script can neither reach Python objects nor loop; every placeholder needs a value and every value
a placeholder, each named in the 422 otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from whitecell.core.errors import FieldError, ValidationFailed

# The longest script a rendering may produce (characters): the template's text plus its values.
MAX_SCRIPT = 200_000

_ENVIRONMENT = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)
_PLAIN = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name)


def _parsed(source: str) -> nodes.Template:
    try:
        tree = _ENVIRONMENT.parse(source)
    except TemplateSyntaxError as error:
        raise ValidationFailed.field(
            "scriptTemplate", f"line {error.lineno}: {error.message}"
        ) from None
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _PLAIN):
            raise ValidationFailed.field(
                "scriptTemplate",
                f"only {{{{placeholder}}}} may be used, not {type(node).__name__.lower()}",
            )
    return tree


def placeholders(source: str) -> list[str]:
    """The placeholder names of a script template, each once, in order of first use."""
    names: list[str] = []
    for node in _parsed(source).find_all(nodes.Name):
        if node.name not in names:
            names.append(node.name)
    return names


def render_script(source: str, values: Mapping[str, str]) -> str:
    """`source` with each `{{name}}` replaced by `values[name]`; a 422 naming each placeholder
    without a value (`values.<name>`) and each value without a placeholder."""
    tree = _parsed(source)
    used = [node.name for node in tree.find_all(nodes.Name)]
    errors = [
        FieldError(f"values.{name}", "is a placeholder of the template but has no value")
        for name in dict.fromkeys(used)
        if name not in values
    ] + [
        FieldError(f"values.{name}", "is not a placeholder of the template")
        for name in values
        if name not in used
    ]
    if errors:
        raise ValidationFailed("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    size = sum(len(node.data) for node in tree.find_all(nodes.TemplateData))
    if size + sum(len(values[name]) for name in used) > MAX_SCRIPT:
        raise ValidationFailed.field("values", f"the script would exceed {MAX_SCRIPT} characters")
    return _ENVIRONMENT.from_string(tree).render(values)
