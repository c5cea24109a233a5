"""Cached values and page fragments, keyed by the version of the data they show (evaluation/versions.py).

A fragment (the rendered body of a dashboard, a region's board, an entry grid) is stored compressed, as a raw
deflate stream ended by a full flush, with its CRC-32 and length. A page built around it is sent gzip-encoded
by compressing only the page's own small parts and splicing the stored stream between them
(`fragment_response`): the fragment is compressed once, when it is rendered, never per request.

The cache may be per process (the default LocMemCache) or shared (Redis, with REDIS_URL): the versions live in
the database, so every process sees a change as soon as it commits.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

TIMEOUT = 24 * 60 * 60
LOCAL_ENTRIES = 512  # per process: about 20 MB of compressed pages at most
# Where a page's template places the fragment; autoescaped data can never produce it (it has «<»).
MARKER = "<!--pbr:fragment-->"
CSRF_MARKER = "<!--pbr:csrf-->"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


def _key(kind: str, parts: tuple, version: int) -> str:
    # The day is in the key because "late" and "on time" depend on it; the language because words do. The
    # parts may hold names (spaces, accents): they are hashed, so every key is short and plain ASCII.
    named = ":".join([*map(str, parts), get_language() or "", str(timezone.localdate()), str(version)])
    return f"pbr:{kind}:{hashlib.blake2b(named.encode(), digest_size=20).hexdigest()}"


class _LocalCache:
    """The most recently used values of this process, in front of the shared cache. A key names a version, so
    its value never changes: keeping it in the process is always right, and saves a round trip to Redis."""

    def __init__(self, size: int) -> None:
        self.size, self.values, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str):
        with self.lock:
            value = self.values.get(key)
            if value is not None:
                self.values.move_to_end(key)
            return value

    def set(self, key: str, value) -> None:
        with self.lock:
            self.values[key] = value
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_local = _LocalCache(LOCAL_ENTRIES)


def clear() -> None:
    """Empty the shared cache and this process's copy of it (tests, a restored backup)."""
    cache.clear()
    _local.clear()


def cached(kind: str, *parts: object, version: int, compute: Callable[[], object]):
    """Return the cached value for (kind, parts) at the version, language and day, or compute and cache it."""
    key = _key(kind, parts, version)
    value = _local.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, TIMEOUT)
        _local.set(key, value)
    return value


def cached_many(kind: str, keys: dict[str, tuple], compute: Callable[[list[str]], dict[str, object]]) -> dict:
    """Return {name: value} for named (parts) keys of one kind, reading the shared cache once for all of them
    and computing the missing ones together with `compute(missing names)` (version-free keys: the parts must
    name what the value depends on, e.g. a digest of its data)."""
    full = {name: _key(kind, parts, 0) for name, parts in keys.items()}
    found = {name: value for name, key in full.items() if (value := _local.get(key)) is not None}
    wanted = [name for name in keys if name not in found]
    if wanted:
        shared = cache.get_many([full[name] for name in wanted])
        for name in wanted:
            if (value := shared.get(full[name])) is not None:
                found[name] = value
        missing = [name for name in wanted if name not in found]
        if missing:
            fresh = compute(missing)
            cache.set_many({full[name]: value for name, value in fresh.items()}, TIMEOUT)
            found.update(fresh)
        for name in wanted:
            _local.set(full[name], found[name])
    return found


@dataclass(frozen=True)
class Piece:
    """Part of a fragment stored compressed: a raw deflate stream (not final, byte-aligned), its CRC-32 and
    length (enough to combine CRCs without the bytes)."""

    deflated: bytes
    crc: int
    size: int

    @classmethod
    def of(cls, text: str) -> Piece:
        data = text.encode()
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        deflated = compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)
        return cls(deflated, zlib.crc32(data), len(data))

    def crc_after(self, crc: int) -> int:
        """Return the CRC-32 of X + this piece, given the CRC-32 of X."""
        return crc32_combine(crc, self.crc, self.size)

    def text(self) -> str:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(self.deflated).decode()


@dataclass(frozen=True)
class Fragment:
    """Rendered HTML the same for every person, stored compressed. Where a form needs the person's CSRF token,
    the template wrote `{{ csrf_input }}` as CSRF_MARKER: the runs are the HTML split there, and each response
    puts its own token between them. A run is one or more compressed pieces: a fragment composed of parts that
    were cached compressed keeps their pieces as stored (`compose`), so no part is compressed twice."""

    runs: tuple[tuple[Piece, ...], ...]

    @classmethod
    def of(cls, html: str) -> Fragment:
        return cls(tuple((Piece.of(part),) for part in html.split(CSRF_MARKER)))

    @classmethod
    def compose(cls, parts: Iterable[str | Fragment]) -> Fragment:
        """Return the parts in order as one fragment: text is compressed here, fragments are spliced as they are."""
        runs: list[list[Piece]] = [[]]
        for part in parts:
            if isinstance(part, str):
                if not part:
                    continue
                part = cls.of(part)
            first, *rest = part.runs
            runs[-1].extend(first)
            runs.extend(list(run) for run in rest)
        return cls(tuple(tuple(run) for run in runs))

    def text(self, csrf: str = "") -> str:
        return csrf.join("".join(piece.text() for piece in run) for run in self.runs)


_SLOT = re.compile(r"<!--pbr:slot:([a-z_]+)-->")


@dataclass(frozen=True)
class Skeleton:
    """A template's HTML with named slots left open (`{{ slot.name }}` in the template), stored compressed: the
    parts of a page that change with its data are rendered per state of that data and filled in (`fill`), the
    rest is rendered once per state of what it shows besides them."""

    parts: tuple[Fragment, ...]  # before the first slot, between slots, after the last
    slots: tuple[str, ...]

    @classmethod
    def of(cls, html: str) -> Skeleton:
        split = _SLOT.split(html)  # text, slot name, text, …, text
        return cls(tuple(Fragment.of(text) for text in split[::2]), tuple(split[1::2]))

    def fill(self, values: dict[str, str | Fragment]) -> Fragment:
        """Return the skeleton with each slot holding its value (HTML, or a fragment spliced as stored)."""
        parts: list[str | Fragment] = [self.parts[0]]
        for name, after in zip(self.slots, self.parts[1:], strict=True):
            parts += [values[name], after]
        return Fragment.compose(parts)


def cached_skeleton(kind: str, *parts: object, template: str, context: dict, slots: Iterable[str]) -> Skeleton:
    """Return the template rendered with those slots open, cached by (kind, parts): the parts must name all that
    the template shows outside its slots (version-free keys)."""

    def render() -> Skeleton:
        markers = {name: mark_safe(f"<!--pbr:slot:{name}-->") for name in slots}  # noqa: S308
        return Skeleton.of(render_to_string(template, {**context, "slot": markers}))

    return cached(kind, *parts, version=0, compute=render)


def row_of(instance) -> tuple:
    """Return a model instance's stored values: what a cache key names it by when the page shows its fields."""
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


def cached_fragment(kind: str, *parts: object, version: int, render: Callable[[], str]) -> Fragment:
    """Return the cached fragment for (kind, parts) at the version, or render, compress and cache it."""
    return cached(kind, *parts, version=version, compute=lambda: Fragment.of(render()))


def csrf_input(request: HttpRequest | None = None) -> str:
    """Return what `{{ csrf_input }}` writes in a fragment template: the person's CSRF field, or, when the
    fragment is rendered to be cached (no request), the marker each response replaces with its own."""
    if request is None:
        return mark_safe(CSRF_MARKER)  # noqa: S308
    return mark_safe(f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">')  # noqa: S308


def fragment_response(
    request: HttpRequest,
    template: str,
    context: dict,
    fragment: Fragment,
    *,
    status: int = 200,
    shell_key: tuple | None = None,
) -> HttpResponse:
    """Render `template` with the fragment at `{{ fragment }}` and return the page, gzip-encoded when the
    client accepts it, with the fragment's stored streams spliced in (only the page's own parts, and the
    person's CSRF field, are compressed per request).

    With `shell_key` (what the page's own parts depend on besides the person, the path and the language: the
    data version, the person's role…), those parts are cached too, per person, and each response puts its
    own CSRF token in them; a page with messages to show is always drawn afresh."""
    before, after = _shell(request, template, context, shell_key)
    csrf = csrf_input(request) if len(fragment.runs) > 1 else ""
    if not _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(before + fragment.text(csrf) + after, status=status)
    else:
        parts: list[bytes | Piece] = [before.encode()]
        for index, run in enumerate(fragment.runs):
            parts += [*run] if index == 0 else [csrf.encode(), *run]
        response = HttpResponse(_gzip([*parts, after.encode()]), status=status)
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def _shell(request: HttpRequest, template: str, context: dict, shell_key: tuple | None) -> tuple[str, str]:
    """Return the page's own HTML before and after the fragment."""
    if shell_key is None or _has_messages(request) or not request.user.is_authenticated:
        page = render_to_string(template, {**context, "fragment": mark_safe(MARKER)}, request)  # noqa: S308
        before, _marker, after = page.partition(MARKER)
        return before, after

    def render() -> tuple[str, str, str]:
        # An unguessable stand-in for the CSRF token, replaced by the person's own in every response.
        nonce = secrets.token_hex(16)
        extra = {"fragment": mark_safe(MARKER), "csrf_token": nonce}  # noqa: S308
        before, _marker, after = render_to_string(template, {**context, **extra}, request).partition(MARKER)
        return nonce, before, after

    user = request.user
    variants = ":".join(variant(request) for variant in _shell_variants())
    person = hashlib.blake2b(
        f"{user.pk}:{user.get_username()}:{user.get_full_name()}:{user.is_staff}:{variants}".encode(), digest_size=12
    ).hexdigest()
    nonce, before, after = cached(
        "shell", template, request.get_full_path(), person, *shell_key, version=0, compute=render
    )
    token = get_token(request)
    return before.replace(nonce, token), after.replace(nonce, token)


@functools.cache
def _shell_variants() -> list:
    """Return the functions (settings.PBR_SHELL_VARIANTS, request → text) of what else of the person a page's
    own parts show: the bell's count, from the layer that keeps it (named here, never imported)."""
    return [import_string(path) for path in getattr(settings, "PBR_SHELL_VARIANTS", [])]


def _has_messages(request: HttpRequest) -> bool:
    """Return whether messages wait to be shown (the cookie or the session holds some), without reading them."""
    session = getattr(request, "session", None)
    return "messages" in request.COOKIES or bool(session is not None and session.get("_messages"))


def _gzip(parts: list[bytes | Piece]) -> bytes:
    """Return one gzip member of the parts in order: bytes are compressed here, pieces spliced as stored."""
    out, crc, size = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"], 0, 0  # gzip header: deflate, no name
    for part in parts:
        if isinstance(part, Piece):
            out.append(part.deflated)
            crc, size = part.crc_after(crc), size + part.size
        elif part:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            out.append(compressor.compress(part) + compressor.flush(zlib.Z_FULL_FLUSH))
            crc, size = zlib.crc32(part, crc), size + len(part)
    out.append(zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH))  # the final, empty block
    out.append(struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF))
    return b"".join(out)


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, index = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[index]
        vector >>= 1
        index += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def _byte_powers() -> list[list[int]]:
    """Return the operators that apply 2**k zero bytes to a CRC-32, k = 0…47 (computed once per process)."""
    operator = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    for _ in range(3):
        operator = _gf2_square(operator)  # one zero byte
    powers = [operator]
    for _ in range(47):
        powers.append(_gf2_square(powers[-1]))
    return powers


_POWERS: list[list[int]] = []


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """Return the CRC-32 of A + B from the CRC-32 of A, that of B and B's length (as zlib's crc32_combine)."""
    if not _POWERS:
        _POWERS.extend(_byte_powers())
    bit = 0
    while length2:
        if length2 & 1:
            crc1 = _gf2_times(_POWERS[bit], crc1)
        length2 >>= 1
        bit += 1
    return crc1 ^ crc2
