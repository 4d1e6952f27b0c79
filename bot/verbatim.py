"""The comparison used to check that a quote is verbatim in its source.

Only differences a reader cannot see are forgiven: runs of whitespace, typographic versus straight
quotation marks and apostrophes, and the various dashes. Case, spelling and punctuation must match.
"""

from __future__ import annotations

import re

_TRANSLATION = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)
_WHITESPACE = re.compile(r"\s+")


def comparable(text: str) -> str:
    """`text` with whitespace collapsed and quotation marks and dashes made plain."""
    return _WHITESPACE.sub(" ", text.translate(_TRANSLATION)).strip()


def is_verbatim(quote: str, source_text: str) -> bool:
    """True when `quote` appears in `source_text`, compared with `comparable`."""
    needle = comparable(quote)
    return bool(needle) and needle in comparable(source_text)
