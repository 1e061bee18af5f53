"""Charter use cases: found a charter, propose wordings, put competing wordings of one article
to a single Schulze vote, adopt the winner as a new version, compare versions, export
(see `asamblea.core.charter`).

A wording is put forward by a ``charter_amendment`` proposal (its text is the proposal's text,
so accepted amendments change it); the proposal lives through `services.deliberation` —
published, supported, debated, and escalated from a base assembly up to the assembly that holds
the charter. There, `start_charter_vote` links one vote to every competing proposal and,
once it is published, `settle_charter_vote` adopts the winner (or keeps the text in force).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from asamblea.core import charter as rules
from asamblea.core import deliberation
from asamblea.core.charter import ArticleVersion, Charter, Segment, Wording
from asamblea.core.deliberation import Proposal, ProposalKind, ProposalState
from asamblea.core.errors import N_, Conflict, Invalid, NotFound
from asamblea.core.federation import ancestors
from asamblea.core.people import Person
from asamblea.core.votes import OPTIONS_MAX, Vote, VoteState, check_facilitator
from asamblea.services import deliberation as proposals
from asamblea.services.deliberation import VoteTerms
from asamblea.services.votes import votes
from asamblea.store.deliberation_repository import (
    CharterRepository,
    EscalationRepository,
    ProposalRepository,
)
from asamblea.store.federation_repository import AuditRepository, FederationRepository
from asamblea.store.votes_repository import VoteRepository

#: Version pairs whose diff each process keeps (see `word_diff`).
DIFFS_KEPT = 128


@dataclass(frozen=True)
class CharterView:
    """A charter with its id, holder, and the articles in force."""

    id: int
    assembly_id: int
    charter: Charter
    articles: tuple[ArticleVersion, ...]


@dataclass(frozen=True)
class ArticleDiff:
    """Two versions of one article and the word diff between their texts."""

    old: ArticleVersion
    new: ArticleVersion
    segments: tuple[Segment, ...]
    html: str  # escaped; removals in <del>, additions in <ins>


def create_charter(
    db: Session,
    actor: Person,
    assembly_id: int,
    *,
    title: str,
    articles: Sequence[tuple[str, str]],
) -> CharterView:
    """A facilitator founds the assembly's charter with its first articles (version 1 each)."""
    federation = FederationRepository(db)
    if federation.assembly(assembly_id) is None:
        raise NotFound(N_("That assembly does not exist."))
    check_facilitator(federation.membership_of(assembly_id, actor.id), assembly_id)
    repo = CharterRepository(db)
    if repo.id_of(assembly_id) is not None:
        raise Conflict(N_("This assembly already holds a charter."))
    title = deliberation.clean_title(title)
    charter = Charter(title)
    for article_title, text in articles:
        wording = rules.check_wording(charter, None, article_title, text, proposal_id=0)
        new = rules.adopt_wording(charter, wording, proposed_by=None, backed_by=[assembly_id])
        charter = rules.with_version(charter, new)
    rules.check_numbering(charter)
    charter_id = repo.add(assembly_id, title)
    for version in charter.versions:
        repo.add_version(charter_id, version)
    AuditRepository(db).record(
        actor.id,
        "charter.created",
        assembly_id,
        f"charter:{charter_id}",
        {"articles": len(articles)},
    )
    return charter_view(db, charter_id)


def propose_wording(
    db: Session,
    actor: Person,
    assembly_id: int,
    charter_id: int,
    *,
    target: int | None,
    article_title: str,
    text: str,
) -> Proposal:
    """An active member drafts a charter-amendment proposal: new wording for article
    ``target`` (None: a new article), in the charter's assembly or any assembly under it."""
    repo = CharterRepository(db)
    charter = _charter(repo, charter_id)
    holder = repo.holder(charter_id)
    parents = FederationRepository(db).parent_map()
    if holder != assembly_id and holder not in ancestors(assembly_id, parents):
        raise Invalid(N_("This charter belongs to an assembly that is not above this one."))
    rules.check_wording(charter, target, article_title, text, proposal_id=0)
    heading = f"Artículo {target}" if target is not None else "Nuevo artículo"
    proposal = proposals.draft_proposal(
        db,
        actor,
        assembly_id,
        title=f"{heading}: {article_title}"[: deliberation.TITLE_MAX],
        text=text,
        kind=ProposalKind.CHARTER_AMENDMENT,
    )
    wording = rules.check_wording(charter, target, article_title, text, proposal_id=proposal.id)
    repo.add_wording(charter_id, wording)
    return proposal


def start_charter_vote(
    db: Session, actor: Person, proposal_ids: Sequence[int], terms: VoteTerms
) -> Vote:
    """A facilitator of the charter's assembly puts competing wordings of one article (each a
    proposal in debate there) to one Schulze vote, with "keep the wording in force" first."""
    charters = CharterRepository(db)
    repo = ProposalRepository(db)
    found = [_wording_of(db, pid, lock=True) for pid in sorted(set(proposal_ids))]
    if not found:
        raise Invalid(N_("A vote needs between 2 and {max} options."), max=OPTIONS_MAX)
    charter_ids = {charter_id for _, charter_id, _ in found}
    if len(charter_ids) != 1:
        raise Invalid(N_("Only wordings of the same article compete in one vote."))
    (charter_id,) = charter_ids
    holder = charters.holder(charter_id)
    charter = _charter(charters, charter_id)
    for proposal, _, _ in found:
        if proposal.assembly_id != holder:
            raise Conflict(N_("Wordings are voted in the assembly that holds the charter."))
        mine = FederationRepository(db).membership_of(proposal.assembly_id, actor.id)
        deliberation.check_start_voting(proposal, mine, repo.amendments(proposal.id))
    wordings = [wording for _, _, wording in found]
    options = rules.ballot_options(charter, wordings[0].target, wordings)
    target = wordings[0].target
    question = f"Redacción del artículo {target}" if target is not None else "Nuevo artículo"
    spec = terms.ranked(question, list(options.labels), rule=rules.CHARTER_RULE, seats=1)
    assert holder is not None  # noqa: S101 - a foreign key
    vote = votes.draft_vote(db, actor, holder, spec)
    for proposal, _, _ in found:
        repo.set_state(proposal.id, ProposalState.VOTING, vote.id)
    AuditRepository(db).record(
        actor.id,
        "charter.vote_drafted",
        holder,
        f"vote:{vote.id}",
        {"proposals": [p.id for p, _, _ in found], "target": target},
    )
    return vote


def settle_charter_vote(db: Session, vote_id: int) -> ArticleVersion | None:
    """Once the Schulze vote is published: the winning proposal is adopted and its wording
    becomes the article's next version (backed by the holder and, if it came up from below,
    the assemblies that adopted it); the others are rejected. None when "keep" won, when the
    vote is not published yet, or when it was already settled."""
    repo = ProposalRepository(db)
    linked = repo.with_vote(vote_id)
    vote = VoteRepository(db).get(vote_id)
    if not linked or vote is None or vote.state is not VoteState.PUBLISHED:
        return None
    if any(p.state is not ProposalState.VOTING for p in linked):
        return None
    found = [_wording_of(db, p.id, lock=True) for p in linked]
    charters = CharterRepository(db)
    charter_id = found[0][1]
    charter = _charter(charters, charter_id, lock=True)
    wordings = [w for _, _, w in found]
    options = rules.ballot_options(charter, wordings[0].target, wordings)
    result = VoteRepository(db).signatures(vote_id)[2] or {}
    winners = list(result.get("winners") or [])
    winner = options.winner(vote.spec.options.index(str(winners[0]))) if winners else None
    for proposal in linked:
        repo.set_state(proposal.id, deliberation.state_after_vote(proposal, proposal.id == winner))
    holder = charters.holder(charter_id)
    AuditRepository(db).record(
        None, "charter.vote_settled", holder, f"vote:{vote_id}", {"winner": winner}
    )
    if winner is None:
        return None
    wording = next(w for w in wordings if w.proposal_id == winner)
    backers = {holder or 0} | _adopters(db, winner)
    version = rules.adopt_wording(charter, wording, proposed_by=winner, backed_by=backers)
    charters.add_version(charter_id, version)
    AuditRepository(db).record(
        None,
        "charter.article_adopted",
        holder,
        f"charter:{charter_id}",
        {"number": version.number, "version": version.version, "proposal": winner},
    )
    return version


def charter_view(db: Session, charter_id: int) -> CharterView:
    """A charter, its holder and its articles in force (public)."""
    repo = CharterRepository(db)
    charter = _charter(repo, charter_id)
    holder = repo.holder(charter_id)
    assert holder is not None  # noqa: S101 - a foreign key
    return CharterView(charter_id, holder, charter, rules.current_articles(charter))


def charter_of(db: Session, assembly_id: int) -> CharterView | None:
    """The charter an assembly holds, if any."""
    charter_id = CharterRepository(db).id_of(assembly_id)
    return charter_view(db, charter_id) if charter_id is not None else None


def article_history(db: Session, charter_id: int, number: int) -> tuple[ArticleVersion, ...]:
    """Every version of one article, oldest first (public)."""
    return rules.history(_charter(CharterRepository(db), charter_id), number)


def compare_versions(db: Session, charter_id: int, number: int, old: int, new: int) -> ArticleDiff:
    """The word diff between any two versions of an article (public).

    Each pair of texts is diffed once per process and kept (`word_diff`): adopted versions never
    change, so asking again — the page, the API, a reload, anyone — costs a dictionary look-up."""
    charter = _charter(CharterRepository(db), charter_id)
    before, after = rules.version(charter, number, old), rules.version(charter, number, new)
    segments, html = word_diff(before.text, after.text)
    return ArticleDiff(before, after, segments, html)


@lru_cache(maxsize=DIFFS_KEPT)
def word_diff(old: str, new: str) -> tuple[tuple[Segment, ...], str]:
    """The bounded word diff of two texts and its HTML, computed once and kept (keyed by the
    texts themselves, so no id can ever point at a stale diff). At most `DIFFS_KEPT` pairs are
    kept, least recently used first out: with two texts of `ARTICLE_TEXT_MAX` characters each,
    a few hundred kilobytes per pair."""
    segments = tuple(rules.diff_words(old, new))
    return segments, rules.diff_to_html(segments)


def export_markdown(db: Session, charter_id: int) -> str:
    """The text in force as Markdown (public)."""
    return rules.to_markdown(_charter(CharterRepository(db), charter_id))


def _charter(repo: CharterRepository, charter_id: int, *, lock: bool = False) -> Charter:
    charter = repo.get(charter_id, lock=lock)
    if charter is None:
        raise NotFound(N_("That charter does not exist."))
    return charter


def _wording_of(db: Session, proposal_id: int, *, lock: bool) -> tuple[Proposal, int, Wording]:
    proposal = ProposalRepository(db).get(proposal_id, lock=lock)
    if proposal is None or proposal.state is ProposalState.DRAFT:
        raise NotFound(N_("That proposal does not exist."))
    found = CharterRepository(db).wording(proposal.id, proposal.text)
    if found is None:
        raise Invalid(N_("Only charter-amendment proposals put forward a wording."))
    return proposal, found[0], found[1]


def _adopters(db: Session, proposal_id: int) -> set[int]:
    """Assemblies that adopted the escalation which brought this proposal up, if any."""
    escalations = EscalationRepository(db)
    escalation = escalations.bringing(proposal_id)
    if escalation is None:
        return set()
    if escalation.state is not deliberation.EscalationState.ON_AGENDA:
        return set()
    return set(deliberation.current_adopters(escalations.adoptions(escalation.id)))
