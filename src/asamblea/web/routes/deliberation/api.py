"""JSON API from below: proposals, supports, arguments, amendments, votes on them,
escalation, the charter and its diffs, delegates, mandates, roll calls and recall."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Path, Query

from asamblea.clock import utcnow
from asamblea.core.charter import ArticleVersion
from asamblea.core.deliberation import Amendment, Proposal, visible_text
from asamblea.core.errors import N_, NotFound
from asamblea.services import charter, delegation, deliberation
from asamblea.services.deliberation import EscalationView, VoteTerms
from asamblea.services.federation import accounts
from asamblea.web.context import Ctx
from asamblea.web.routes.common import Id
from asamblea.web.routes.deliberation.schemas import (
    AdopterOut,
    AmendmentIn,
    AmendmentOut,
    ArgumentIn,
    ArgumentOut,
    ArticleOut,
    AssemblyChoiceIn,
    CharterOut,
    DelegateOut,
    DiffOut,
    EscalationOut,
    MandateIn,
    MandateOut,
    PetitionOut,
    ProposalDetailOut,
    ProposalIn,
    ProposalOut,
    RollCallEntryOut,
    RollCallOut,
    VoteTermsIn,
)
from asamblea.web.routes.federation.api import ERRORS, api_context

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)
Number = Path(ge=1, le=10_000)


# --- proposals -----------------------------------------------------------------------------


@router.get("/assemblies/{assembly_id}/proposals", response_model=list[ProposalOut])
def list_proposals(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[ProposalOut]:
    """The assembly's proposals I may see (others' drafts are not listed)."""
    with ctx.reading() as db:
        return [_proposal(p) for p in deliberation.proposals_of(db, ctx.person, assembly_id)]


@router.post(
    "/assemblies/{assembly_id}/proposals", status_code=201, response_model=ProposalDetailOut
)
def draft_proposal(assembly_id: Id, body: ProposalIn, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """Draft a proposal (active members); publish it at once with `publish`."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        proposal = deliberation.draft_proposal(
            db, person, assembly_id, title=body.title, text=body.text, kind=body.kind
        )
        if body.publish:
            deliberation.publish(db, person, proposal.id)
        return _detail(deliberation.proposal_view(db, person, proposal.id))


@router.get("/proposals/{proposal_id}", response_model=ProposalDetailOut)
def get_proposal(proposal_id: Id, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """A proposal (settled when its vote was published: services.closing)."""
    with ctx.reading() as db:
        return _detail(deliberation.proposal_view(db, ctx.person, proposal_id))


def _act(ctx: Ctx, proposal_id: int, action: str) -> ProposalDetailOut:
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        getattr(deliberation, action)(db, person, proposal_id)
        return _detail(deliberation.proposal_view(db, person, proposal_id))


@router.post("/proposals/{proposal_id}/publish", response_model=ProposalDetailOut)
def publish(proposal_id: Id, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """The author opens a draft for support."""
    return _act(ctx, proposal_id, "publish")


@router.post("/proposals/{proposal_id}/support", response_model=ProposalDetailOut)
def support(proposal_id: Id, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """Support an open proposal (active members other than the author)."""
    return _act(ctx, proposal_id, "support")


@router.post("/proposals/{proposal_id}/withdraw", response_model=ProposalDetailOut)
def withdraw(proposal_id: Id, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """The author withdraws the proposal."""
    return _act(ctx, proposal_id, "withdraw")


@router.post("/proposals/{proposal_id}/arguments", status_code=201, response_model=ArgumentOut)
def argue(proposal_id: Id, body: ArgumentIn, ctx: Ctx = ApiCtx) -> ArgumentOut:
    """An argument for or against, or a reply (one level)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        a = deliberation.argue(
            db, person, proposal_id, text=body.text, side=body.side, reply_to=body.reply_to
        )
    return ArgumentOut(
        id=a.id,
        author=person.username,
        side=a.side,
        reply_to=a.parent_id,
        text=a.text,
        hidden_reason=a.hidden_reason,
    )


@router.post("/proposals/{proposal_id}/amendments", status_code=201, response_model=AmendmentOut)
def amend(proposal_id: Id, body: AmendmentIn, ctx: Ctx = ApiCtx) -> AmendmentOut:
    """Propose new wording (members other than the author)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        a = deliberation.propose_amendment(db, person, proposal_id, body.text)
    return _amendment(a, person.username)


@router.post("/amendments/{amendment_id}/accept", response_model=ProposalDetailOut)
def accept_amendment(amendment_id: Id, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """The author accepts an amendment: the text changes."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        proposal = deliberation.accept_amendment(db, person, amendment_id)
        return _detail(deliberation.proposal_view(db, person, proposal.id))


@router.post("/amendments/{amendment_id}/decline", response_model=AmendmentOut)
def decline_amendment(amendment_id: Id, ctx: Ctx = ApiCtx) -> AmendmentOut:
    """The author declines an amendment."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        declined = deliberation.decline_amendment(db, person, amendment_id)
        view = deliberation.proposal_view(db, person, declined.proposal_id)
    return _amendment(declined, view.author_of(declined))


@router.post("/proposals/{proposal_id}/vote", status_code=201, response_model=ProposalDetailOut)
def start_voting(proposal_id: Id, body: VoteTermsIn, ctx: Ctx = ApiCtx) -> ProposalDetailOut:
    """A facilitator takes a debated proposal to a yes/no vote (drafted: open it with
    POST /votes/{vote_id}/open)."""
    person = accounts.require(ctx.person)
    now = utcnow().replace(microsecond=0)
    terms = VoteTerms(now, now + timedelta(days=body.days), mode=body.mode)
    with ctx.transaction() as db:
        deliberation.start_voting(db, person, proposal_id, terms)
        return _detail(deliberation.proposal_view(db, person, proposal_id))


@router.post("/proposals/{proposal_id}/escalate", status_code=201, response_model=EscalationOut)
def escalate(proposal_id: Id, ctx: Ctx = ApiCtx) -> EscalationOut:
    """A facilitator sends an adopted proposal up to the parent."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        return _escalation(deliberation.escalate(db, person, proposal_id))


@router.get("/assemblies/{assembly_id}/escalations", response_model=list[EscalationOut])
def escalations(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[EscalationOut]:
    """Proposals sent up to this assembly, with who adopted them."""
    with ctx.reading() as db:
        deliberation.proposals_of(db, ctx.person, assembly_id)  # NotFound for unknown ids
        return [_escalation(e) for e in deliberation.escalations_to(db, assembly_id)]


@router.post("/escalations/{escalation_id}/adopt", response_model=EscalationOut)
def adopt(escalation_id: Id, body: AssemblyChoiceIn, ctx: Ctx = ApiCtx) -> EscalationOut:
    """A facilitator of a sibling assembly records its adoption."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        view = deliberation.adopt_escalation(db, person, escalation_id, body.assembly_id)
        return _escalation(view)


# --- the charter ---------------------------------------------------------------------------


@router.get("/assemblies/{assembly_id}/charter", response_model=CharterOut)
def get_charter(assembly_id: Id, ctx: Ctx = ApiCtx) -> CharterOut:
    """The charter the assembly holds, with its articles in force."""
    with ctx.reading() as db:
        deliberation.proposals_of(db, ctx.person, assembly_id)  # NotFound for unknown ids
        held = charter.charter_of(db, assembly_id)
    if held is None:
        raise NotFound(N_("That charter does not exist."))
    return CharterOut(
        id=held.id,
        assembly_id=held.assembly_id,
        title=held.charter.title,
        articles=[_article(a) for a in held.articles],
    )


@router.get("/charters/{charter_id}/articles/{number}/versions", response_model=list[ArticleOut])
def history(charter_id: Id, number: int = Number, ctx: Ctx = ApiCtx) -> list[ArticleOut]:
    """Every version of one article, oldest first."""
    with ctx.reading() as db:
        return [_article(v) for v in charter.article_history(db, charter_id, number)]


@router.get("/charters/{charter_id}/articles/{number}/diff", response_model=DiffOut)
def diff(
    charter_id: Id,
    number: int = Number,
    old: int = Query(alias="from", ge=1, le=10_000),
    new: int = Query(alias="to", ge=1, le=10_000),
    ctx: Ctx = ApiCtx,
) -> DiffOut:
    """The word diff between two versions of an article."""
    with ctx.reading() as db:
        found = charter.compare_versions(db, charter_id, number, old, new)
    return DiffOut(old=_article(found.old), new=_article(found.new), html=found.html)


# --- delegates -----------------------------------------------------------------------------


@router.get("/assemblies/{assembly_id}/delegates", response_model=list[DelegateOut])
def delegates(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[DelegateOut]:
    """Delegates this assembly has sent up, then those seated in it."""
    with ctx.reading() as db:
        found = [
            *delegation.delegates_of(db, assembly_id),
            *delegation.delegates_in(db, assembly_id),
        ]
    return [
        DelegateOut(
            id=d.id,
            person_id=d.person_id,
            child_id=d.child_id,
            parent_id=d.parent_id,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            state=d.state,
        )
        for d in found
    ]


@router.get("/assemblies/{assembly_id}/mandates", response_model=list[MandateOut])
def mandates(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[MandateOut]:
    """The mandates this assembly gave its delegates, newest vote first (active members)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        found = delegation.mandates_of(db, person, assembly_id)
    return [
        MandateOut(
            vote_id=line.vote.id,
            question=line.vote.spec.question,
            vote_state=line.vote.state,
            choice=line.mandate.choice,
            adopted_at=line.mandate.set_at,
        )
        for line in found
    ]


@router.post("/assemblies/{assembly_id}/mandates", status_code=204)
def set_mandate(assembly_id: Id, body: MandateIn, ctx: Ctx = ApiCtx) -> None:
    """A facilitator records the mandate on a parent's draft yes/no vote."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        delegation.set_mandate(db, person, assembly_id, body.vote_id, body.choice)


@router.get("/votes/{vote_id}/roll-call", response_model=RollCallOut)
def roll_call(vote_id: Id, ctx: Ctx = ApiCtx) -> RollCallOut:
    """Delegates' votes beside their mandates, breaches flagged. A mandate is shown to the
    members of the assembly that gave it, and to anyone else once the vote is published
    (`mandate_hidden` true until then)."""
    with ctx.reading() as db:
        call = delegation.roll_call(db, ctx.person, vote_id)
    return RollCallOut(
        vote_id=call.vote.id,
        published=call.published,
        entries=[
            RollCallEntryOut(
                delegate_id=e.delegate.id,
                name=e.name,
                child_name=e.child_name,
                mandate=e.mandate,
                choice=e.choice.value if e.choice else None,
                mandate_breach=e.mandate_breach,
                weight=str(e.weight),
                mandate_hidden=e.mandate_hidden,
            )
            for e in call.entries
        ],
    )


@router.get("/delegates/{delegate_id}/petitions", response_model=list[PetitionOut])
def petitions(delegate_id: Id, ctx: Ctx = ApiCtx) -> list[PetitionOut]:
    """Recall petitions against a delegate (members of the delegate's assembly)."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        found = delegation.petitions_against(db, person, delegate_id)
    return [
        PetitionOut(
            id=v.petition.id,
            delegate_id=v.delegate.id,
            state=v.petition.state,
            vote_id=v.petition.vote_id,
            signatures=v.signatures,
            needed=v.needed,
            signed_by_me=v.signed_by_me,
        )
        for v in found
    ]


@router.post("/delegates/{delegate_id}/recall", status_code=201, response_model=PetitionOut)
def open_recall(delegate_id: Id, ctx: Ctx = ApiCtx) -> PetitionOut:
    """Open a recall petition (and sign it)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        p = delegation.open_recall(db, person, delegate_id, now=utcnow())
    return PetitionOut(id=p.id, delegate_id=p.delegate_id, state=p.state, vote_id=p.vote_id)


@router.post("/petitions/{petition_id}/sign", response_model=PetitionOut)
def sign(petition_id: Id, ctx: Ctx = ApiCtx) -> PetitionOut:
    """Sign a recall petition; at the threshold the recall vote opens."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        p = delegation.sign_recall(db, person, petition_id, now=utcnow())
    return PetitionOut(id=p.id, delegate_id=p.delegate_id, state=p.state, vote_id=p.vote_id)


# --- shapes --------------------------------------------------------------------------------


def _proposal(p: Proposal) -> ProposalOut:
    return ProposalOut(
        id=p.id,
        assembly_id=p.assembly_id,
        kind=p.kind,
        title=p.title,
        state=p.state,
        version=p.version,
        vote_id=p.vote_id,
    )


def _amendment(a: Amendment, author: str | None) -> AmendmentOut:
    return AmendmentOut(
        id=a.id,
        author=author,
        state=a.state,
        base_version=a.base_version,
        text=visible_text(a.text, a.hidden_reason),
        hidden_reason=a.hidden_reason,
        vote_id=a.vote_id,
    )


def _detail(view: deliberation.ProposalView) -> ProposalDetailOut:
    p = view.proposal
    return ProposalDetailOut(
        **_proposal(p).model_dump(),
        text=p.text,
        author=view.author_name,
        supports=view.supports,
        threshold=view.threshold,
        supported_by_me=view.supported_by_me,
        arguments=[
            ArgumentOut(
                id=a.id,
                author=view.author_of(a),
                side=a.side,
                reply_to=a.parent_id,
                text=visible_text(a.text, a.hidden_reason),
                hidden_reason=a.hidden_reason,
            )
            for a in view.arguments
        ],
        amendments=[_amendment(a, view.author_of(a)) for a in view.amendments],
        escalation_id=view.escalation.id if view.escalation else None,
    )


def _escalation(view: EscalationView) -> EscalationOut:
    e = view.escalation
    return EscalationOut(
        id=e.id,
        proposal_id=e.proposal_id,
        title=view.proposal.title,
        from_assembly_id=e.from_assembly_id,
        parent_id=e.parent_id,
        on_agenda=view.agenda_proposal_id is not None,
        agenda_proposal_id=view.agenda_proposal_id,
        assemblies=len(view.status.adopters),
        members=view.status.members,
        children=view.status.children,
        needed=view.status.needed,
        adopters=[
            AdopterOut(assembly_id=a.assembly_id, name=a.name, members=a.members)
            for a in view.adopters
        ],
    )


def _article(v: ArticleVersion) -> ArticleOut:
    return ArticleOut(
        number=v.number,
        version=v.version,
        title=v.title,
        text=v.text,
        proposed_by=v.proposed_by,
        backed_by=list(v.backed_by),
    )
