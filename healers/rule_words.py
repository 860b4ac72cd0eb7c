"""The names heal's own rules look for, without libcst: shared by the rules (logic/,
performance/) and the cheap pre-screen that decides where they run (candidates.py)."""

from __future__ import annotations

EXITS = frozenset({"sys.exit", "exit", "quit", "os._exit", "os.abort", "os.execv", "os.execvp"})
BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
MUTABLE_CALLS = frozenset({"list", "dict", "set", "bytearray", "collections.defaultdict"})
MUTABLE_NAMES = frozenset(name.rpartition(".")[2] for name in MUTABLE_CALLS)
RE_FUNCTIONS = frozenset(
    {"match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer", "compile"}
)
# Calls that reach a database or an ORM when given a value of the loop: method -> receivers it is
# a query on ("" = any receiver, "objects" = anywhere in a Django manager chain).
QUERY_METHODS: dict[str, tuple[str, ...]] = {
    "execute": ("",),
    "fetch": ("",),
    "fetchrow": ("",),
    "fetchval": ("",),
    "query": ("session", "db", "conn", "connection"),
    "scalar": ("session", "db", "conn", "connection"),
    "scalars": ("session", "db", "conn", "connection"),
    "get": ("objects", "session", "db"),
    "filter": ("objects",),
    "exclude": ("objects",),
    "find_one": ("collection", "db"),
}
HTTP_CALLS = frozenset(
    f"{lib}.{verb}"
    for lib in ("requests", "httpx")
    for verb in ("get", "post", "put", "patch", "delete", "head", "options", "request")
) | {"urllib.request.urlopen"}
HTTP_VERBS = frozenset(call.rpartition(".")[2] for call in HTTP_CALLS)
MODULE_CALL_DEPTH = 2  # os.path.join: a module, then two attribute lookups per call
HOT = 2  # a loop inside a loop (comprehensions count) is a hot loop
