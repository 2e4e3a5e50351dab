"""Author pseudonyms for everything that leaves the store: weekly reports and exports.

A report or an export is forwarded by e-mail and lands in shared folders, so by default it names no person.
Each author becomes ``anon-`` and 12 hex digits of HMAC-SHA256(key, source + author): the same author gets
the same pseudonym in every report and export made with the same key (so weeks can be compared and an
account followed), while nobody without the key can turn a pseudonym back into a name or check a guess.

The key, first match wins:

1. the environment variable named by ``[privacy] pseudonym_key_env`` in the configuration (default
   ``VIRALSCOPE_PSEUDONYM_KEY``) — set it to share pseudonyms across stores;
2. a random 256-bit key created on first use and kept in the store's ``meta`` table (``pseudonym_key``).
   It never leaves the store: no export, report or message contains it.

The key is a secret (with it, a guessed handle can be confirmed), so it is never read from the TOML file.

What is replaced: ``author_id`` and ``author_name`` (both become the pseudonym), extra attributes that name
an account (``handle``, ``username``, ``screen_name``, ``email``, any ``author…`` or ``user…``), and links
that carry a handle (``url``, ``uri``, ``…_url``) are left empty. The accounts of tracked brands (``[brand]
accounts`` and the competitors' ``accounts``) stay in clear: they are companies, and the response-time
numbers need them. Mention text is kept as written (it may name people); ids are kept so cascades and
re-imports still work. ``include_authors=True`` (``--include-authors``) turns all of this off.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets as _secrets

import numpy as np
import pandas as pd

from viralscope.config import PrivacySection
from viralscope.core.settings import secret

__all__ = ["KEY_ENV", "META_KEY", "PREFIX", "Pseudonymizer", "for_store", "protect"]

KEY_ENV = PrivacySection.pseudonym_key_env
META_KEY = "pseudonym_key"
PREFIX = "anon-"
_DIGITS = 12
#: Extra attributes that identify an account: replaced by the pseudonym of their value.
_HASHED = re.compile(r"^(handle|username|screen_name|email|nick(name)?|login)$|author|^user|_user$|_handle$", re.I)
#: Links and URIs that carry a handle in their path: emptied.
_DROPPED = re.compile(r"^(url|uri|permalink|profile)$|_url$|_uri$", re.I)
#: Columns with the author's identity in the contract and in tables built from it.
AUTHOR_COLUMNS = ("author_id", "author_name")


def account_key(value) -> str:
    return str(value).strip().lstrip("@").lower()


class Pseudonymizer:
    """Turns authors into keyed pseudonyms; ``keep`` lists account names that stay in clear (brands)."""

    def __init__(self, key: bytes, keep=(), *, origin: str = "given"):
        if not key:
            raise ValueError("a pseudonym key must not be empty")
        self._key = bytes(key)
        self.keep = frozenset(account_key(k) for k in keep if k)
        #: Where the key came from (``environment`` or ``store``), for the report's "about" table.
        self.origin = origin

    def __repr__(self) -> str:  # never show the key
        return f"Pseudonymizer(origin={self.origin!r}, keep={len(self.keep)} accounts)"

    def _digest(self, key: str) -> str:
        return PREFIX + hmac.new(self._key, key.encode(), hashlib.sha256).hexdigest()[:_DIGITS]

    def one(self, source, author) -> str | None:
        """The pseudonym of ``author`` at ``source`` (None stays None; brand accounts stay as they are)."""
        if author is None or author is pd.NA or (isinstance(author, float) and np.isnan(author)):
            return None
        if account_key(author) in self.keep:
            return str(author)
        return self._digest(f"{source or ''}\x1f{author}")

    def series(self, source: pd.Series | str | None, author: pd.Series) -> pd.Series:
        """Vectorised ``one``: each distinct (source, author) is hashed once."""
        out = pd.Series(None, index=author.index, dtype=object)
        present = author.notna().to_numpy()
        if not present.any():
            return out
        values = author[present].astype(str)
        if isinstance(source, pd.Series):
            src = source[present].astype(object).where(source[present].notna(), "").astype(str)
        else:
            src = pd.Series(source or "", index=values.index, dtype=object)
        codes, uniques = pd.factorize(src + "\x1f" + values)
        hashed = np.array([self._digest(k) for k in uniques], dtype=object)[codes]
        if self.keep:
            kept = values.map(account_key).isin(self.keep).to_numpy()
            hashed = np.where(kept, values.to_numpy(dtype=object), hashed)
        out[present] = hashed
        return out

    def frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``df`` with its author columns pseudonymised and handle-bearing links emptied.

        ``author_id`` and ``author_name`` both become the pseudonym of the author (its id when it has one,
        else its name); other columns are matched by name (see the module docstring).
        """
        out = df.copy()
        source = out["source"] if "source" in out.columns else None
        if "author_id" in out.columns or "author_name" in out.columns:
            ident = out["author_id"] if "author_id" in out.columns else pd.Series(None, index=out.index, dtype=object)
            if "author_name" in out.columns:
                ident = ident.astype(object).where(ident.notna(), out["author_name"])
            # A brand account is recognised by its id or its name; both stay in clear then.
            kept = pd.Series(False, index=out.index)
            if self.keep:
                for col in AUTHOR_COLUMNS:
                    if col in out.columns:
                        kept |= out[col].map(lambda v: isinstance(v, str) and account_key(v) in self.keep)
            pseudo = self.series(source, ident)
            for col in AUTHOR_COLUMNS:
                if col in out.columns:
                    out[col] = out[col].astype(object).where(kept | out[col].isna(), pseudo)
        for col in out.columns:
            if col in AUTHOR_COLUMNS or col == "source":
                continue
            if _DROPPED.search(str(col)):
                out[col] = None
            elif _HASHED.search(str(col)) and (out[col].dtype == object or pd.api.types.is_string_dtype(out[col])):
                out[col] = self.series(source, out[col])
        return out


def _store_key(store) -> bytes:
    """The store's own key, created once (atomically: two processes racing agree on the first one)."""
    store.ensure()
    # Read first: a read-only store (the output of ``spark analyze``) carries its key and takes no write.
    return bytes.fromhex(store.claim_meta(META_KEY, _secrets.token_hex(32)))


def brand_accounts(config) -> list[str]:
    """Every tracked brand's own accounts (they stay in clear)."""
    if config is None:
        return []
    return [a for b in config.brands for a in b.accounts]


def for_store(store, config, *, include_authors: bool = False) -> Pseudonymizer | None:
    """The pseudonymizer for what ``store`` exports, or None when authors are to be shown as they are."""
    if include_authors:
        return None
    variable = (config.privacy if config is not None else PrivacySection()).pseudonym_key_env
    value = secret(variable)
    if value:
        return Pseudonymizer(value.encode(), brand_accounts(config), origin=f"environment ({variable})")
    return Pseudonymizer(_store_key(store), brand_accounts(config), origin="store")


def protect(df: pd.DataFrame, pseudonymizer: Pseudonymizer | None) -> pd.DataFrame:
    """``df`` as it may leave the store: pseudonymised, or unchanged when ``pseudonymizer`` is None."""
    return df if pseudonymizer is None else pseudonymizer.frame(df)
