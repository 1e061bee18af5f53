"""Who may do what from below: (visitor, non-member, pending, suspended, member, author,
facilitator, delegate) × every action on proposals, arguments, amendments, escalations, the
charter, delegate elections, mandates and recall, through the pages and through the API; and
who may read the mandates, a roll call and the recall petitions.

As in `test_authorization`: refusals share one federation (a refusal changes nothing, which
each cell checks); every allowed cell gets a fresh federation and checks its effect and its
audit rows. A last test makes sure no from-below action is left out of the matrix."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from asamblea.clock import utcnow
from asamblea.core.delegation import MandateChoice
from asamblea.core.deliberation import ProposalKind, Side
from asamblea.core.federation import AssemblyKind, AssemblyRules
from asamblea.core.people import Person
from asamblea.core.votes import Mode
from asamblea.services import charter, delegation, deliberation
from asamblea.services.deliberation import VoteTerms
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.votes import votes
from tests.web.conftest import (
    PASSWORD,
    Browser,
    app_routes,
    assert_refused,
    audit_actions,
    row_counts,
    unique,
)
from tests.web.test_authorization import ACTIONS as FEDERATION_ACTIONS
from tests.web.test_authorization import send

ROLES = (
    "anonymous",
    "outsider",
    "pending",
    "suspended",
    "member",
    "author",
    "facilitator",
    "delegate",
)
#: Active members of the union who are not the author (and so may support and amend).
SUPPORTERS = frozenset({"member", "facilitator", "delegate"})
MEMBERS = SUPPORTERS | {"author"}
Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Stage:
    """Region R (its facilitator `facilitator`; one delegate per 2 members; escalation share
    100 %) with two children: union U (facilitated by `facilitator`; active: member, author,
    delegate, bystander, newcomer; pending; suspended; support share 100 %, recall share
    60 %) and community O (founded by `outsider`). `delegate` and `bystander` sit in R for U
    (one of U's three seats is free); a recall petition against the bystander's seat gathers
    signatures. U holds a charter; R does not.

    ``ids``: proposals by the author in U — draft, open (no supports), supported (by member,
    facilitator and delegate: still open), debate (with an argument and an amendment by the
    member), adopted, escalated (sent up, waiting for O); two charter wordings in debate; R's
    draft roll-call motion; the two seats and the petition; two candidates' person ids."""

    names: dict[str, str]
    region: int
    union: int
    sibling: int
    ids: dict[str, int]


def _to_debate(db: Session, people: dict[str, Person], proposal_id: int) -> None:
    for role in ("facilitator", "member", "delegate", "bystander", "newcomer"):
        deliberation.support(db, people[role], proposal_id)


def _adopted(
    db: Session, people: dict[str, Person], union: int, title: str, *, key: Any, start: Any
) -> int:
    proposal = deliberation.draft_proposal(
        db, people["author"], union, title=title, text="Texto.", kind=ProposalKind.DEMAND
    )
    deliberation.publish(db, people["author"], proposal.id)
    _to_debate(db, people, proposal.id)
    terms = VoteTerms(start, start + timedelta(days=1))
    vote = deliberation.start_voting(db, people["facilitator"], proposal.id, terms)
    votes.open_vote(db, people["facilitator"], vote.id, start)
    for role in ("facilitator", "member", "author", "delegate", "bystander"):
        votes.cast(db, people[role], vote.id, [0], now=start + timedelta(hours=1), key=key)
    votes.close_vote(db, people["facilitator"], vote.id, start + timedelta(days=1), key)
    deliberation.settle_proposal(db, proposal.id)
    return proposal.id


def make_stage(app: FastAPI) -> Stage:
    """The federation above, through the services, in one transaction."""
    roles = [r for r in ROLES if r != "anonymous"] + ["bystander", "newcomer"]
    names = {role: unique(role[:3]) for role in roles}
    key = app.state.web.signing_key
    now = utcnow().replace(microsecond=0)
    start = now - timedelta(days=3)
    ids: dict[str, int] = {}
    with app.state.web.sessions.begin() as db:
        p = {role: accounts.register(db, names[role], PASSWORD) for role in roles}
        fac = p["facilitator"]
        region = federation.create_assembly(
            db,
            fac,
            name=f"Región {names['facilitator']}",
            kind=AssemblyKind.REGION,
            parent_id=None,
            assembly_rules=AssemblyRules(delegate_ratio=2, escalation_percent=100),
        )
        union = federation.create_assembly(
            db,
            fac,
            name=f"Sindicato {names['facilitator']}",
            kind=AssemblyKind.UNION,
            parent_id=region.id,
            assembly_rules=AssemblyRules(vouches_needed=1, support_percent=100, recall_percent=60),
        )
        sibling = federation.create_assembly(
            db,
            p["outsider"],
            name=f"Comunidad {names['outsider']}",
            kind=AssemblyKind.PEASANT_COMMUNITY,
            parent_id=region.id,
        )
        for role in ("member", "author", "delegate", "bystander", "suspended"):
            request = federation.request_to_join(db, p[role], union.id)
            federation.vouch(db, fac, request.id)
        federation.suspend(db, fac, request.id)  # the last one: `suspended`
        federation.request_to_join(db, p["pending"], union.id)

        # U's two delegates in R, elected by STV (R: one seat per 2 of U's 5 active members)
        election = delegation.open_delegate_election(
            db,
            fac,
            union.id,
            candidates=[p["delegate"].id, p["bystander"].id, p["member"].id],
            terms=VoteTerms(start, start + timedelta(days=1)),
            term=(start, start + timedelta(days=365)),
        )
        votes.open_vote(db, fac, election.id, start)
        for role in ("facilitator", "member", "author", "delegate", "bystander"):
            votes.cast(db, p[role], election.id, [0, 1], now=start + timedelta(hours=1), key=key)
        votes.close_vote(db, fac, election.id, start + timedelta(days=1), key)
        seats = delegation.settle_delegate_election(db, election.id, now=now)
        by_person = {d.person_id: d.id for d in seats}
        ids["seat"] = by_person[p["delegate"].id]
        ids["other_seat"] = by_person[p["bystander"].id]
        # a sixth active member: three seats for U in R, one still to fill
        federation.vouch(db, fac, federation.request_to_join(db, p["newcomer"], union.id).id)
        petition = delegation.open_recall(db, p["bystander"], ids["other_seat"], now=now)
        ids["petition"] = petition.id
        ids["candidate"], ids["candidate2"] = p["member"].id, p["author"].id

        def drafted(title: str) -> int:
            proposal = deliberation.draft_proposal(
                db, p["author"], union.id, title=title, text="Texto.", kind=ProposalKind.DEMAND
            )
            return proposal.id

        ids["draft"] = drafted("Un borrador")
        for name in ("open", "supported", "debate"):
            ids[name] = drafted(f"Propuesta {name}")
            deliberation.publish(db, p["author"], ids[name])
        for role in SUPPORTERS:
            deliberation.support(db, p[role], ids["supported"])
        _to_debate(db, p, ids["debate"])
        ids["argument"] = deliberation.argue(
            db, p["member"], ids["debate"], text="En contra.", side=Side.AGAINST
        ).id
        ids["amendment"] = deliberation.propose_amendment(
            db, p["member"], ids["debate"], "Otro texto."
        ).id
        ids["adopted"] = _adopted(db, p, union.id, "Aprobada", key=key, start=start)
        sent = _adopted(db, p, union.id, "Enviada arriba", key=key, start=start)
        ids["escalation"] = deliberation.escalate(db, fac, sent).escalation.id

        held = charter.create_charter(
            db, fac, union.id, title="Carta", articles=[("Nombre", "Nos llamamos sindicato.")]
        )
        ids["charter"] = held.id
        for letter in "ab":
            wording = charter.propose_wording(
                db,
                p["author"],
                union.id,
                held.id,
                target=1,
                article_title=f"Nombre {letter}",
                text=f"Nos llamamos {letter}.",
            )
            deliberation.publish(db, p["author"], wording.id)
            _to_debate(db, p, wording.id)
            ids[f"wording_{letter}"] = wording.id

        roll_call = VoteTerms(now, now + timedelta(days=1), mode=Mode.ROLL_CALL)
        ids["motion"] = votes.draft_vote(db, fac, region.id, roll_call.motion("¿Paro?")).id
        delegation.set_mandate(db, fac, union.id, ids["motion"], MandateChoice.FOR)
    return Stage(names=names, region=region.id, union=union.id, sibling=sibling.id, ids=ids)


# ---------------------------------------------------------------- effects, read from the tables


def scalar(engine: Engine, sql: str, **params: object) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def proposal_state(engine: Engine, proposal_id: int) -> str:
    return str(scalar(engine, "SELECT state FROM proposal WHERE id = :i", i=proposal_id))


def person_id(engine: Engine, s: Stage, role: str) -> int:
    return int(scalar(engine, "SELECT id FROM person WHERE username = :u", u=s.names[role]))


def count(engine: Engine, sql: str, **params: object) -> int:
    return int(scalar(engine, f"SELECT COUNT(*) FROM {sql}", **params) or 0)  # noqa: S608


Effect = Callable[[Engine, Stage, str], None]


def state_is(name: str, state: str) -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        assert proposal_state(e, s.ids[name]) == state

    return check


def supported_by(name: str, supports: bool) -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        found = count(
            e,
            "proposal_support WHERE proposal_id = :p AND person_id = :m",
            p=s.ids[name],
            m=person_id(e, s, role),
        )
        assert found == int(supports)

    return check


def written_by_actor(table: str, where: str = "") -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        column = "opened_by" if table == "recall_petition" else "author_id"
        found = count(e, f"{table} WHERE {column} = :m {where}", m=person_id(e, s, role))
        assert found >= 1, (table, role)

    return check


def hidden(table: str, name: str) -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        reason = scalar(e, f"SELECT hidden_reason FROM {table} WHERE id = :i", i=s.ids[name])  # noqa: S608
        assert reason == "Fuera de tema"

    return check


def amendment_is(state: str) -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        found = scalar(e, "SELECT state FROM amendment WHERE id = :i", i=s.ids["amendment"])
        assert found == state

    return check


def accepted(e: Engine, s: Stage, role: str) -> None:
    version = scalar(e, "SELECT version FROM proposal WHERE id = :i", i=s.ids["debate"])
    assert (version, scalar(e, "SELECT text FROM proposal WHERE id = :i", i=s.ids["debate"])) == (
        2,
        "Otro texto.",
    )


def escalated(e: Engine, s: Stage, role: str) -> None:
    assert count(e, "escalation WHERE proposal_id = :p", p=s.ids["adopted"]) == 1


def escalation_is(state: str, adoptions: int) -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        i = s.ids["escalation"]
        assert scalar(e, "SELECT state FROM escalation WHERE id = :i", i=i) == state
        assert count(e, "escalation_adoption WHERE escalation_id = :i", i=i) == adoptions

    return check


def charter_in_region(e: Engine, s: Stage, role: str) -> None:
    assert count(e, "charter WHERE assembly_id = :a", a=s.region) == 1


def wording_drafted(e: Engine, s: Stage, role: str) -> None:
    found = count(
        e,
        "proposal WHERE assembly_id = :a AND kind = 'charter_amendment' AND state = 'draft'",
        a=s.union,
    )
    assert found == 1


def election_drafted(e: Engine, s: Stage, role: str) -> None:
    found = count(e, "delegate_election WHERE child_id = :c AND settled = :f", c=s.union, f=False)
    assert found == 1


def mandate_is(choice: str) -> Effect:
    def check(e: Engine, s: Stage, role: str) -> None:
        found = scalar(
            e,
            "SELECT choice FROM mandate WHERE vote_id = :v AND child_id = :c",
            v=s.ids["motion"],
            c=s.union,
        )
        assert found == choice

    return check


def petitioned(e: Engine, s: Stage, role: str) -> None:
    assert scalar(e, "SELECT state FROM delegate WHERE id = :i", i=s.ids["seat"]) == "petitioned"
    written_by_actor("recall_petition")(e, s, role)


def signed(e: Engine, s: Stage, role: str) -> None:
    found = count(
        e,
        "recall_signature WHERE petition_id = :p AND person_id = :m",
        p=s.ids["petition"],
        m=person_id(e, s, role),
    )
    assert found == 1


# ---------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class Action:
    """One action: how the page and the API (if it has one) ask for it, who may, what it does."""

    page: Callable[[Stage], Request]
    api: Callable[[Stage], Request] | None
    allowed: frozenset[str]
    refused: dict[str, int]
    effect: Effect
    audit: tuple[str, ...]
    page_ok: int = 303
    api_ok: int = 200


def refusing(allowed: frozenset[str], **statuses: int) -> dict[str, int]:
    """Who is refused, and how: a visitor must log in; the rest are forbidden unless told."""
    found = {role: 403 for role in ROLES if role not in allowed}
    found["anonymous"] = 401
    return {**found, **statuses}


def on(kind: str, name: str, tail: str) -> Callable[[Stage], str]:
    return lambda s: f"/{kind}/{s.ids[name]}/{tail}"


FAC = frozenset({"facilitator"})
AUTHOR = frozenset({"author"})
ACTIONS: dict[str, Action] = {
    "draft a proposal": Action(
        page=lambda s: (
            "POST",
            f"/asambleas/{s.union}/propuestas",
            {"title": "Agua", "text": "Pedimos agua.", "kind": "demand"},
        ),
        api=lambda s: (
            "POST",
            f"/api/v1/assemblies/{s.union}/proposals",
            {"title": "Agua", "text": "Pedimos agua."},
        ),
        allowed=MEMBERS,
        refused=refusing(MEMBERS),
        effect=written_by_actor("proposal", "AND title = 'Agua'"),
        audit=("proposal.drafted",),
        api_ok=201,
    ),
    "publish a draft": Action(
        page=lambda s: ("POST", on("propuestas", "draft", "publicar")(s), {}),
        api=lambda s: ("POST", f"/api/v1/proposals/{s.ids['draft']}/publish", None),
        allowed=AUTHOR,
        refused=refusing(AUTHOR, **{r: 404 for r in ROLES[1:] if r != "author"}),  # unseen
        effect=state_is("draft", "open"),
        audit=("proposal.published",),
    ),
    "support": Action(
        page=lambda s: ("POST", on("propuestas", "open", "apoyar")(s), {}),
        api=lambda s: ("POST", f"/api/v1/proposals/{s.ids['open']}/support", None),
        allowed=SUPPORTERS,
        refused=refusing(SUPPORTERS, author=409),
        effect=supported_by("open", True),
        audit=("proposal.supported",),
    ),
    "take a support back": Action(
        page=lambda s: ("POST", on("propuestas", "supported", "quitar-apoyo")(s), {}),
        api=None,
        allowed=SUPPORTERS,
        refused=refusing(SUPPORTERS, author=409),
        effect=supported_by("supported", False),
        audit=("proposal.unsupported",),
    ),
    "withdraw a proposal": Action(
        page=lambda s: ("POST", on("propuestas", "open", "retirar")(s), {}),
        api=lambda s: ("POST", f"/api/v1/proposals/{s.ids['open']}/withdraw", None),
        allowed=AUTHOR,
        refused=refusing(AUTHOR),
        effect=state_is("open", "withdrawn"),
        audit=("proposal.withdrawn",),
    ),
    "argue": Action(
        page=lambda s: (
            "POST",
            on("propuestas", "debate", "argumentos")(s),
            {"side": "for", "text": "A favor."},
        ),
        api=lambda s: (
            "POST",
            f"/api/v1/proposals/{s.ids['debate']}/arguments",
            {"side": "for", "text": "A favor."},
        ),
        allowed=MEMBERS,
        refused=refusing(MEMBERS),
        effect=written_by_actor("argument", "AND side = 'for'"),
        audit=("proposal.argued",),
        api_ok=201,
    ),
    "hide an argument": Action(
        page=lambda s: (
            "POST",
            on("argumentos", "argument", "ocultar")(s),
            {"reason": "Fuera de tema"},
        ),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=hidden("argument", "argument"),
        audit=("argument.hidden",),
    ),
    "amend": Action(
        page=lambda s: ("POST", on("propuestas", "debate", "enmiendas")(s), {"text": "Mejor."}),
        api=lambda s: (
            "POST",
            f"/api/v1/proposals/{s.ids['debate']}/amendments",
            {"text": "Mejor."},
        ),
        allowed=SUPPORTERS,
        refused=refusing(SUPPORTERS, author=409),
        effect=written_by_actor("amendment", "AND text = 'Mejor.'"),
        audit=("amendment.proposed",),
        api_ok=201,
    ),
    "accept an amendment": Action(
        page=lambda s: ("POST", on("enmiendas", "amendment", "aceptar")(s), {}),
        api=lambda s: ("POST", f"/api/v1/amendments/{s.ids['amendment']}/accept", None),
        allowed=AUTHOR,
        refused=refusing(AUTHOR),
        effect=accepted,
        audit=("amendment.accepted",),
    ),
    "decline an amendment": Action(
        page=lambda s: ("POST", on("enmiendas", "amendment", "rechazar")(s), {}),
        api=lambda s: ("POST", f"/api/v1/amendments/{s.ids['amendment']}/decline", None),
        allowed=AUTHOR,
        refused=refusing(AUTHOR),
        effect=amendment_is("declined"),
        audit=("amendment.declined",),
    ),
    "hide an amendment": Action(
        page=lambda s: (
            "POST",
            on("enmiendas", "amendment", "ocultar")(s),
            {"reason": "Fuera de tema"},
        ),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=hidden("amendment", "amendment"),
        audit=("amendment.hidden",),
    ),
    "send an amendment to a vote": Action(
        page=lambda s: ("POST", on("enmiendas", "amendment", "votacion")(s), {"days": "7"}),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=amendment_is("voting"),
        audit=("vote.drafted", "amendment.to_vote"),
    ),
    "take a proposal to a vote": Action(
        page=lambda s: ("POST", on("propuestas", "debate", "votacion")(s), {"days": "7"}),
        api=lambda s: ("POST", f"/api/v1/proposals/{s.ids['debate']}/vote", {"days": 7}),
        allowed=FAC,
        refused=refusing(FAC),
        effect=state_is("debate", "voting"),
        audit=("vote.drafted", "proposal.to_vote"),
        api_ok=201,
    ),
    "send an adopted proposal up": Action(
        page=lambda s: ("POST", on("propuestas", "adopted", "escalar")(s), {}),
        api=lambda s: ("POST", f"/api/v1/proposals/{s.ids['adopted']}/escalate", None),
        allowed=FAC,
        refused=refusing(FAC),
        effect=escalated,
        audit=("proposal.escalated",),
        api_ok=201,
    ),
    "adopt it in a sibling assembly": Action(
        page=lambda s: (
            "POST",
            on("escalamientos", "escalation", "adoptar")(s),
            {"assembly_id": s.sibling},
        ),
        api=lambda s: (
            "POST",
            f"/api/v1/escalations/{s.ids['escalation']}/adopt",
            {"assembly_id": s.sibling},
        ),
        allowed=frozenset({"outsider"}),  # the sibling's facilitator
        refused=refusing(frozenset({"outsider"})),
        effect=escalation_is("on_agenda", 2),
        audit=("escalation.adopted", "escalation.on_agenda"),
    ),
    "withdraw an adoption": Action(
        page=lambda s: (
            "POST",
            on("escalamientos", "escalation", "retirar")(s),
            {"assembly_id": s.union},
        ),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=escalation_is("sent", 2),  # the withdrawal is recorded beside the adoption
        audit=("escalation.withdrawn",),
    ),
    "found a charter": Action(
        page=lambda s: (
            "POST",
            f"/asambleas/{s.region}/carta",
            {"title": "Carta regional", "articles": "## Nombre\nRegión."},
        ),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=charter_in_region,
        audit=("charter.created",),
    ),
    "propose a charter wording": Action(
        page=lambda s: (
            "POST",
            f"/asambleas/{s.union}/redacciones",
            {
                "charter_id": s.ids["charter"],
                "target": "1",
                "article_title": "Nombre",
                "text": "Nos llamamos la unión.",
            },
        ),
        api=None,
        allowed=MEMBERS,
        refused=refusing(MEMBERS),
        effect=wording_drafted,
        audit=("proposal.drafted",),
    ),
    "put wordings to a charter vote": Action(
        page=lambda s: (
            "POST",
            f"/cartas/{s.ids['charter']}/votacion",
            {
                "days": "7",
                f"propuesta_{s.ids['wording_a']}": "1",
                f"propuesta_{s.ids['wording_b']}": "1",
            },
        ),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=state_is("wording_a", "voting"),
        audit=("vote.drafted", "charter.vote_drafted"),
    ),
    "draft a delegate election": Action(
        page=lambda s: (
            "POST",
            f"/asambleas/{s.union}/elecciones",
            {
                "days": "7",
                f"candidato_{s.ids['candidate']}": "1",
                f"candidato_{s.ids['candidate2']}": "1",
            },
        ),
        api=None,
        allowed=FAC,
        refused=refusing(FAC),
        effect=election_drafted,
        audit=("vote.drafted", "delegates.election_drafted"),
    ),
    "set a mandate": Action(
        page=lambda s: (
            "POST",
            f"/asambleas/{s.union}/mandatos",
            {"vote_id": s.ids["motion"], "choice": "against"},
        ),
        api=lambda s: (
            "POST",
            f"/api/v1/assemblies/{s.union}/mandates",
            {"vote_id": s.ids["motion"], "choice": "against"},
        ),
        allowed=FAC,
        refused=refusing(FAC),
        effect=mandate_is("against"),
        audit=("mandate.set",),
        api_ok=204,
    ),
    "open a recall petition": Action(
        page=lambda s: ("POST", f"/delegados/{s.ids['seat']}/revocatoria", {}),
        api=lambda s: ("POST", f"/api/v1/delegates/{s.ids['seat']}/recall", None),
        allowed=MEMBERS,
        refused=refusing(MEMBERS),
        effect=petitioned,
        audit=("recall.opened",),
        api_ok=201,
    ),
    "sign a recall petition": Action(
        page=lambda s: ("POST", f"/peticiones/{s.ids['petition']}/firmar", {}),
        api=lambda s: ("POST", f"/api/v1/petitions/{s.ids['petition']}/sign", None),
        allowed=MEMBERS,
        refused=refusing(MEMBERS),
        effect=signed,
        audit=("recall.signed",),
    ),
}
CHANNELS = [
    (name, channel)
    for name, action in ACTIONS.items()
    for channel in ("page", "api")
    if channel == "page" or action.api is not None
]


def test_the_matrix_covers_every_role_once() -> None:
    for name, action in ACTIONS.items():
        assert set(action.allowed) | set(action.refused) == set(ROLES), name
        assert not set(action.allowed) & set(action.refused), name


class Actors:
    """Browsers logged in as each role of one stage (created on first use)."""

    def __init__(self, app: FastAPI, stage: Stage) -> None:
        self.app, self.stage = app, stage
        self.cache: dict[str, Browser] = {}

    def __call__(self, role: str) -> Browser:
        if role not in self.cache:
            b = Browser(self.app, "es")
            if role != "anonymous":
                b.logged_in_as(self.stage.names[role])
            self.cache[role] = b
        return self.cache[role]


@pytest.fixture(scope="module")
def shared(app: FastAPI) -> Actors:
    """One federation for every refusal (none of them may change it)."""
    return Actors(app, make_stage(app))


def request_of(action: Action, channel: str, stage: Stage) -> Request:
    make = action.page if channel == "page" else action.api
    assert make is not None
    return make(stage)


@pytest.mark.parametrize(("name", "channel"), CHANNELS)
def test_refused_roles_change_nothing(
    name: str, channel: str, shared: Actors, engine: Engine
) -> None:
    action = ACTIONS[name]
    for role in action.refused:
        shared(role)  # log in before counting rows (logging in writes a session)
    failures = []
    for role, status in action.refused.items():
        before = row_counts(engine)
        response = send(shared(role), channel, request_of(action, channel, shared.stage))
        try:
            assert_refused(response, "es", status)
            assert row_counts(engine) == before, "rows written"
        except AssertionError as error:
            failures.append(f"{role}: {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    ("name", "channel", "role"),
    [(n, c, r) for n, c in CHANNELS for r in sorted(ACTIONS[n].allowed)],
)
def test_allowed_roles_act(
    name: str, channel: str, role: str, app: FastAPI, engine: Engine
) -> None:
    action = ACTIONS[name]
    stage = make_stage(app)
    b = Actors(app, stage)(role)
    audit_before = audit_actions(engine)
    response = send(b, channel, request_of(action, channel, stage))
    expected = action.page_ok if channel == "page" else action.api_ok
    assert response.status_code == expected, response.text[:300]
    action.effect(engine, stage, role)
    assert tuple(audit_actions(engine)[len(audit_before) :]) == action.audit


# ---------------------------------------------------------------- who may read


#: (page, API) of the reads kept to some people, and the status each role gets.
READS: dict[
    str, tuple[Callable[[Stage], str], Callable[[Stage], str], dict[str, tuple[int, int]]]
] = {
    "the mandates": (
        lambda s: f"/asambleas/{s.union}/mandatos",
        lambda s: f"/api/v1/assemblies/{s.union}/mandates",
        {
            "anonymous": (303, 401),
            **dict.fromkeys(("outsider", "pending", "suspended"), (200, 403)),
            **dict.fromkeys(MEMBERS, (200, 200)),
        },
    ),
    "a roll call upstairs": (
        lambda s: f"/votaciones/{s.ids['motion']}/nominal",
        lambda s: f"/api/v1/votes/{s.ids['motion']}/roll-call",
        {
            **dict.fromkeys(("anonymous", "outsider", "pending", "suspended"), (404, 404)),
            **dict.fromkeys(MEMBERS, (200, 200)),
        },
    ),
    "the recall petitions": (
        lambda s: f"/delegados/{s.ids['other_seat']}/revocatoria",
        lambda s: f"/api/v1/delegates/{s.ids['other_seat']}/petitions",
        {
            "anonymous": (303, 401),
            **dict.fromkeys(("outsider", "pending", "suspended"), (403, 403)),
            **dict.fromkeys(MEMBERS, (200, 200)),
        },
    ),
}


@pytest.mark.parametrize("name", list(READS))
def test_who_may_read(name: str, shared: Actors) -> None:
    page, api, statuses = READS[name]
    assert set(statuses) == set(ROLES)
    s = shared.stage
    for role, (page_status, api_status) in statuses.items():
        b = shared(role)
        for path, status in ((page(s), page_status), (api(s), api_status)):
            response = b.get(path)
            if status >= 400:
                assert_refused(response, "es", status)
            else:
                assert response.status_code == status, (role, path, response.text[:200])
    members_page = shared("member").get(page(s)).text
    if name == "the mandates":
        assert f'id="mandato-{s.ids["motion"]}"' in members_page
        assert 'id="mandato-' not in shared("outsider").get(page(s)).text
    if name == "a roll call upstairs":  # a child's member sees the child's own delegates
        seats = re.findall(r'id="nominal-(\d+)"', members_page)
        assert sorted(int(x) for x in seats) == sorted([s.ids["seat"], s.ids["other_seat"]])


# ---------------------------------------------------------------- nothing left out


FROM_BELOW = re.compile(
    r"^/(propuestas|argumentos|enmiendas|escalamientos|cartas|delegados|peticiones)/"
    r"|^/asambleas/\{assembly_id\}/(propuestas|carta|redacciones|elecciones|mandatos|reglas)$"
    r"|^/api/v1/(proposals|amendments|escalations|delegates|petitions)/"
    r"|^/api/v1/assemblies/\{assembly_id\}/(proposals|mandates|rules)$"
)


def _template(path: str) -> str:
    """A concrete path back to its route template (ids become their parameter names)."""
    for pattern, name in (
        (r"^/asambleas/\d+/", "/asambleas/{assembly_id}/"),
        (r"^/api/v1/assemblies/\d+/", "/api/v1/assemblies/{assembly_id}/"),
        (r"^/propuestas/\d+/", "/propuestas/{proposal_id}/"),
        (r"^/argumentos/\d+/", "/argumentos/{argument_id}/"),
        (r"^/enmiendas/\d+/", "/enmiendas/{amendment_id}/"),
        (r"^/escalamientos/\d+/", "/escalamientos/{escalation_id}/"),
        (r"^/cartas/\d+/", "/cartas/{charter_id}/"),
        (r"^/delegados/\d+/", "/delegados/{delegate_id}/"),
        (r"^/peticiones/\d+/", "/peticiones/{petition_id}/"),
        (r"^/api/v1/proposals/\d+/", "/api/v1/proposals/{proposal_id}/"),
        (r"^/api/v1/amendments/\d+/", "/api/v1/amendments/{amendment_id}/"),
        (r"^/api/v1/escalations/\d+/", "/api/v1/escalations/{escalation_id}/"),
        (r"^/api/v1/delegates/\d+/", "/api/v1/delegates/{delegate_id}/"),
        (r"^/api/v1/petitions/\d+/", "/api/v1/petitions/{petition_id}/"),
    ):
        if re.match(pattern, path):
            return re.sub(pattern, name, path)
    return path


def test_every_action_from_below_is_in_a_matrix(app: FastAPI, shared: Actors) -> None:
    """A new from-below (or rules) route that changes something fails this until it is in
    `ACTIONS` (or in the federation matrix of `test_authorization`)."""
    wanted = {(m, p) for m, p in app_routes(app) if m != "GET" and FROM_BELOW.search(p)}
    covered = {
        (method, _template(path))
        for action in ACTIONS.values()
        for make in (action.page, action.api)
        if make is not None
        for method, path, _ in [make(shared.stage)]
    }
    federation_paths = {
        (m, _template(p))
        for a in FEDERATION_ACTIONS.values()
        for m, p, _ in [a.page(_FakeWorld()), a.api(_FakeWorld())]
    }
    assert wanted - covered - federation_paths == set()


class _FakeWorld:
    """Ids for building the federation matrix's requests (only their paths are read)."""

    names: dict[str, str] = dict.fromkeys(("facilitator",), "x")
    region = union = other = 1
    ms: dict[str, int] = dict.fromkeys(
        ("target_pending", "target_active", "target_suspended", "facilitator"), 1
    )
