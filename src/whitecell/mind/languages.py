"""The languages a code project may be written in (docs/mind.md, "Code project languages"): each
by its canonical name, the spec's lowercase style ("javascript", "python", "ruby"), and the
other ways people write it. A name is looked up without regard to case, spaces, hyphens, dots
and underscores ("Node.js", "objective c", "C++"), and stored as the canonical name."""

from __future__ import annotations

import re

from whitecell.core.errors import ValidationFailed

# canonical name: other spellings (compared after `lookup_key`)
LANGUAGES: dict[str, tuple[str, ...]] = {
    "assembly": ("asm", "nasm", "x86"),
    "bash": ("sh", "shell", "shellscript", "zsh"),
    "c": (),
    "clojure": ("clj", "cljs", "clojurescript"),
    "cobol": (),
    "coffeescript": ("coffee",),
    "cpp": ("c++", "cplusplus", "cxx"),
    "crystal": (),
    "csharp": ("c#", "cs", "dotnet"),
    "css": (),
    "dart": ("flutter",),
    "dockerfile": ("docker",),
    "elixir": ("ex", "exs"),
    "elm": (),
    "erlang": ("erl",),
    "fortran": ("f90",),
    "fsharp": ("f#", "fs"),
    "go": ("golang",),
    "graphql": ("gql",),
    "groovy": (),
    "haskell": ("hs",),
    "html": ("htm", "xhtml"),
    "java": (),
    "javascript": ("js", "node", "nodejs", "ecmascript", "es6", "jsx"),
    "json": (),
    "julia": ("jl",),
    "kotlin": ("kt",),
    "latex": ("tex",),
    "lisp": ("commonlisp", "elisp", "emacslisp"),
    "lua": (),
    "makefile": ("make",),
    "markdown": ("md",),
    "matlab": ("octave",),
    "nim": (),
    "objective-c": ("objc",),
    "ocaml": ("ml",),
    "pascal": ("delphi", "objectpascal"),
    "perl": ("pl",),
    "php": (),
    "plaintext": ("text", "txt", "plain", "none"),
    "powershell": ("ps1", "pwsh", "posh"),
    "prolog": (),
    "python": ("py", "python3", "python2", "py3"),
    "r": ("rlang",),
    "racket": ("rkt",),
    "ruby": ("rb",),
    "rust": ("rs",),
    "scala": (),
    "scheme": ("scm",),
    "scss": ("sass",),
    "solidity": ("sol",),
    "sql": ("mysql", "postgresql", "postgres", "sqlite", "plsql", "tsql"),
    "swift": (),
    "terraform": ("hcl", "tf"),
    "toml": (),
    "typescript": ("ts", "tsx"),
    "vb": ("visualbasic", "vbnet", "vba", "vbscript"),
    "xml": (),
    "yaml": ("yml",),
    "zig": (),
}


def lookup_key(name: str) -> str:
    return re.sub(r"[\s\-_.]+", "", name.casefold())


_CANONICAL: dict[str, str] = {
    lookup_key(spelling): canonical
    for canonical, others in LANGUAGES.items()
    for spelling in (canonical, *others)
}


def canonical_language(field: str, name: str) -> str:
    """The canonical name of the language `name`; a 422 naming `field` and the known languages
    if it is none of them."""
    found = _CANONICAL.get(lookup_key(name))
    if found is None:
        raise ValidationFailed.field(
            field,
            f"{name.strip()!r} is not a language White Cell knows; use one of: "
            f"{', '.join(LANGUAGES)}",
        )
    return found
