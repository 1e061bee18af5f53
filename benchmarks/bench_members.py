"""A union of many members, each with a live API token, written in bulk: the shared setup of
the HTTP benchmarks (bench_votes.py's casting, bench_mobilise.py's pledging).

The founder goes through the service (`federation.create_assembly`, so the union is made as
it is in use); every other row is a bulk insert: N accounts with one precomputed password
hash, N−1 active memberships, and one bearer token per person — only its SHA-256 is stored,
as `accounts.issue_token` does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from asamblea.core.federation import Assembly, AssemblyKind, MembershipState, Role
from asamblea.core.people import Person, normalise_username, username_key
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.store.federation_models import ApiTokenRow, MembershipRow, PersonRow
from asamblea.store.federation_repository import PeopleRepository

PASSWORD = "una frase larga y secreta para el banco de pruebas"  # noqa: S105 - test accounts


@dataclass(frozen=True)
class Union:
    """The founder (an active facilitator), the union, and a token per member (founder first)."""

    founder: Person
    assembly: Assembly
    tokens: list[str]


def union_with_tokens(
    db: Session, *, members: int, username: str, name: str, now: datetime
) -> Union:
    """In `db`'s transaction: `members` people named ``username % i`` in one union, each with a
    token valid for a day."""
    password_hash = accounts.hash_password(PASSWORD)
    names = [normalise_username(username % i) for i in range(members)]
    tokens = ["asb_" + secrets.token_urlsafe(32) for _ in range(members)]
    ids = list(
        db.scalars(
            insert(PersonRow).returning(PersonRow.id, sort_by_parameter_order=True),
            [
                {
                    "username": n,
                    "username_key": username_key(n),
                    "password_hash": password_hash,
                    "locale": None,
                    "created_at": now,
                }
                for n in names
            ],
        )
    )
    founder = PeopleRepository(db).get(ids[0])
    if founder is None:
        raise SystemExit("the founder just inserted cannot be read back")
    union = federation.create_assembly(
        db, founder, name=name, kind=AssemblyKind.UNION, parent_id=None
    )
    db.execute(
        insert(MembershipRow),
        [
            {
                "assembly_id": union.id,
                "person_id": i,
                "state": MembershipState.ACTIVE.value,
                "role": Role.MEMBER.value,
                "created_at": now,
            }
            for i in ids[1:]
        ],
    )
    expires = now + timedelta(days=1)
    db.execute(
        insert(ApiTokenRow),
        [
            {
                "token_hash": hashlib.sha256(t.encode()).hexdigest(),
                "person_id": i,
                "expires_at": expires,
            }
            for t, i in zip(tokens, ids, strict=True)
        ],
    )
    return Union(founder, union, tokens)
