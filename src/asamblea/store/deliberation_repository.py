"""Proposals, escalation and the charter: every query for them (delegates, mandates and
recall are in `asamblea.store.delegation_repository`).

Rows come out as the frozen dataclasses of `asamblea.core.deliberation` and `charter`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from asamblea.core.charter import ArticleVersion, Charter, Wording
from asamblea.core.deliberation import (
    Adoption,
    Amendment,
    AmendmentState,
    Argument,
    Escalation,
    EscalationState,
    Proposal,
    ProposalKind,
    ProposalState,
    Side,
)
from asamblea.store.deliberation_models import (
    AdoptionRow,
    AmendmentRow,
    ArgumentRow,
    ArticleVersionRow,
    CharterRow,
    EscalationRow,
    ProposalRow,
    ProposalTextRow,
    SupportRow,
    WordingRow,
)
from asamblea.store.locking import for_update


def to_proposal(row: ProposalRow) -> Proposal:
    """Map a proposal row."""
    return Proposal(
        id=row.id,
        assembly_id=row.assembly_id,
        author_id=row.author_id,
        kind=ProposalKind(row.kind),
        title=row.title,
        text=row.text,
        state=ProposalState(row.state),
        version=row.version,
        vote_id=row.vote_id,
    )


def to_argument(row: ArgumentRow) -> Argument:
    """Map an argument row."""
    return Argument(
        id=row.id,
        proposal_id=row.proposal_id,
        author_id=row.author_id,
        side=Side(row.side) if row.side else None,
        text=row.text,
        parent_id=row.parent_id,
        hidden_reason=row.hidden_reason,
        hidden_by=row.hidden_by,
    )


def to_amendment(row: AmendmentRow) -> Amendment:
    """Map an amendment row."""
    return Amendment(
        id=row.id,
        proposal_id=row.proposal_id,
        author_id=row.author_id,
        text=row.text,
        base_version=row.base_version,
        state=AmendmentState(row.state),
        vote_id=row.vote_id,
        hidden_reason=row.hidden_reason,
        hidden_by=row.hidden_by,
    )


def to_escalation(row: EscalationRow) -> Escalation:
    """Map an escalation row."""
    return Escalation(
        id=row.id,
        proposal_id=row.proposal_id,
        from_assembly_id=row.from_assembly_id,
        parent_id=row.parent_id,
        state=EscalationState(row.state),
    )


class ProposalRepository:
    """Proposals, their texts, supports, arguments and amendments."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(
        self,
        assembly_id: int,
        author_id: int,
        kind: ProposalKind,
        title: str,
        text: str,
        *,
        state: ProposalState = ProposalState.DRAFT,
    ) -> Proposal:
        """Store a proposal and its first text."""
        row = ProposalRow(
            assembly_id=assembly_id,
            author_id=author_id,
            kind=kind.value,
            title=title,
            text=text,
            state=state.value,
            version=1,
        )
        self.db.add(row)
        self.db.flush()
        self.db.add(ProposalTextRow(proposal_id=row.id, version=1, text=text))
        self.db.flush()
        return to_proposal(row)

    def get(self, proposal_id: int, *, lock: bool = False) -> Proposal | None:
        """A proposal (locked for update when asked)."""
        stmt = select(ProposalRow).where(ProposalRow.id == proposal_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_proposal(row) if row else None

    def of_assembly(self, assembly_id: int) -> list[Proposal]:
        """An assembly's proposals, newest first."""
        rows = self.db.scalars(
            select(ProposalRow)
            .where(ProposalRow.assembly_id == assembly_id)
            .order_by(ProposalRow.id.desc())
        )
        return [to_proposal(row) for row in rows]

    def with_vote(self, vote_id: int) -> list[Proposal]:
        """The proposals linked to a vote (several when wordings compete), by id."""
        rows = self.db.scalars(
            select(ProposalRow).where(ProposalRow.vote_id == vote_id).order_by(ProposalRow.id)
        )
        return [to_proposal(row) for row in rows]

    def edit(self, proposal_id: int, title: str, text: str) -> None:
        """Change a draft's title and text (its only version)."""
        row = self.db.get_one(ProposalRow, proposal_id)
        row.title, row.text = title, text
        self.db.get_one(ProposalTextRow, (proposal_id, 1)).text = text

    def set_state(self, proposal_id: int, state: ProposalState, vote_id: int | None = None) -> None:
        """Move a proposal (and link its vote, when given)."""
        row = self.db.get_one(ProposalRow, proposal_id)
        row.state = state.value
        if vote_id is not None:
            row.vote_id = vote_id

    def set_text(self, proposal: Proposal, amendment_id: int | None) -> None:
        """Store a new version of the text (the older ones stay)."""
        row = self.db.get_one(ProposalRow, proposal.id)
        row.text, row.version = proposal.text, proposal.version
        self.db.add(
            ProposalTextRow(
                proposal_id=proposal.id,
                version=proposal.version,
                text=proposal.text,
                amendment_id=amendment_id,
            )
        )

    def texts(self, proposal_id: int) -> list[tuple[int, str]]:
        """Every text of a proposal: (version, text), oldest first."""
        rows = self.db.execute(
            select(ProposalTextRow.version, ProposalTextRow.text)
            .where(ProposalTextRow.proposal_id == proposal_id)
            .order_by(ProposalTextRow.version)
        )
        return [(row[0], row[1]) for row in rows]

    def supporters(self, proposal_id: int) -> set[int]:
        """Who supports a proposal."""
        return set(
            self.db.scalars(
                select(SupportRow.person_id).where(SupportRow.proposal_id == proposal_id)
            )
        )

    def add_support(self, proposal_id: int, person_id: int) -> None:
        """Record a support."""
        self.db.add(SupportRow(proposal_id=proposal_id, person_id=person_id))
        self.db.flush()

    def remove_support(self, proposal_id: int, person_id: int) -> None:
        """Take a support back."""
        self.db.delete(self.db.get_one(SupportRow, (proposal_id, person_id)))
        self.db.flush()

    def add_argument(
        self, proposal_id: int, author_id: int, side: Side | None, text: str, parent_id: int | None
    ) -> Argument:
        """Store an argument or a reply."""
        row = ArgumentRow(
            proposal_id=proposal_id,
            author_id=author_id,
            side=side.value if side else None,
            text=text,
            parent_id=parent_id,
        )
        self.db.add(row)
        self.db.flush()
        return to_argument(row)

    def argument(self, argument_id: int) -> Argument | None:
        """An argument by id."""
        row = self.db.get(ArgumentRow, argument_id)
        return to_argument(row) if row else None

    def arguments(self, proposal_id: int) -> list[Argument]:
        """A proposal's arguments and replies, oldest first."""
        rows = self.db.scalars(
            select(ArgumentRow)
            .where(ArgumentRow.proposal_id == proposal_id)
            .order_by(ArgumentRow.id)
        )
        return [to_argument(row) for row in rows]

    def hide_argument(self, argument_id: int, reason: str, hidden_by: int) -> None:
        """Hide an argument with its reason (nothing is deleted)."""
        row = self.db.get_one(ArgumentRow, argument_id)
        row.hidden_reason, row.hidden_by = reason, hidden_by

    def add_amendment(self, proposal: Proposal, author_id: int, text: str) -> Amendment:
        """Store an amendment against the proposal's current version."""
        row = AmendmentRow(
            proposal_id=proposal.id,
            author_id=author_id,
            text=text,
            base_version=proposal.version,
            state=AmendmentState.PROPOSED.value,
        )
        self.db.add(row)
        self.db.flush()
        return to_amendment(row)

    def amendment(self, amendment_id: int, *, lock: bool = False) -> Amendment | None:
        """An amendment by id."""
        stmt = select(AmendmentRow).where(AmendmentRow.id == amendment_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_amendment(row) if row else None

    def amendments(self, proposal_id: int) -> list[Amendment]:
        """A proposal's amendments, oldest first."""
        rows = self.db.scalars(
            select(AmendmentRow)
            .where(AmendmentRow.proposal_id == proposal_id)
            .order_by(AmendmentRow.id)
        )
        return [to_amendment(row) for row in rows]

    def set_amendment_state(
        self, amendment_id: int, state: AmendmentState, vote_id: int | None = None
    ) -> None:
        """Move an amendment (and link its vote, when given)."""
        row = self.db.get_one(AmendmentRow, amendment_id)
        row.state = state.value
        if vote_id is not None:
            row.vote_id = vote_id

    def hide_amendment(self, amendment_id: int, reason: str, hidden_by: int) -> None:
        """Hide an amendment with its reason."""
        row = self.db.get_one(AmendmentRow, amendment_id)
        row.hidden_reason, row.hidden_by = reason, hidden_by


class EscalationRepository:
    """Escalated proposals and the adoptions of sibling assemblies."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, proposal: Proposal, parent_id: int, sent_by: int) -> Escalation:
        """Store an escalation (the caller records the sender's adoption)."""
        row = EscalationRow(
            proposal_id=proposal.id,
            from_assembly_id=proposal.assembly_id,
            parent_id=parent_id,
            state=EscalationState.SENT.value,
            sent_by=sent_by,
        )
        self.db.add(row)
        self.db.flush()
        return to_escalation(row)

    def get(self, escalation_id: int, *, lock: bool = False) -> Escalation | None:
        """An escalation (locked while adoptions change, so it enters the agenda once)."""
        stmt = select(EscalationRow).where(EscalationRow.id == escalation_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        return to_escalation(row) if row else None

    def of_proposal(self, proposal_id: int) -> Escalation | None:
        """The escalation of a proposal sent up, if any."""
        row = self.db.scalar(select(EscalationRow).where(EscalationRow.proposal_id == proposal_id))
        return to_escalation(row) if row else None

    def bringing(self, agenda_proposal_id: int) -> Escalation | None:
        """The escalation that put this proposal on its assembly's agenda, if any."""
        row = self.db.scalar(
            select(EscalationRow).where(EscalationRow.agenda_proposal_id == agenda_proposal_id)
        )
        return to_escalation(row) if row else None

    def to_parent(self, parent_id: int) -> list[Escalation]:
        """Escalations sent up to one assembly, newest first."""
        rows = self.db.scalars(
            select(EscalationRow)
            .where(EscalationRow.parent_id == parent_id)
            .order_by(EscalationRow.id.desc())
        )
        return [to_escalation(row) for row in rows]

    def agenda_proposal(self, escalation_id: int) -> int | None:
        """The parent's proposal made when the escalation entered its agenda."""
        return self.db.get_one(EscalationRow, escalation_id).agenda_proposal_id

    def put_on_agenda(self, escalation_id: int, agenda_proposal_id: int) -> None:
        """Mark an escalation as on the parent's agenda, for good."""
        row = self.db.get_one(EscalationRow, escalation_id)
        row.state, row.agenda_proposal_id = EscalationState.ON_AGENDA.value, agenda_proposal_id

    def add_adoption(
        self, escalation_id: int, assembly_id: int, recorded_by: int, *, withdrawn: bool = False
    ) -> None:
        """Record an adoption (or its withdrawal)."""
        self.db.add(
            AdoptionRow(
                escalation_id=escalation_id,
                assembly_id=assembly_id,
                withdrawn=withdrawn,
                recorded_by=recorded_by,
            )
        )
        self.db.flush()

    def adoptions(self, escalation_id: int) -> list[Adoption]:
        """Adoptions and withdrawals, in the order they were recorded."""
        rows = self.db.execute(
            select(AdoptionRow.assembly_id, AdoptionRow.withdrawn)
            .where(AdoptionRow.escalation_id == escalation_id)
            .order_by(AdoptionRow.id)
        )
        return [Adoption(row[0], bool(row[1])) for row in rows]


class CharterRepository:
    """Charters, their article versions, and the wordings proposals put forward."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def add(self, assembly_id: int, title: str) -> int:
        """Create an assembly's charter; its id."""
        row = CharterRow(assembly_id=assembly_id, title=title)
        self.db.add(row)
        self.db.flush()
        return row.id

    def id_of(self, assembly_id: int) -> int | None:
        """The id of the charter an assembly holds."""
        return self.db.scalar(select(CharterRow.id).where(CharterRow.assembly_id == assembly_id))

    def holder(self, charter_id: int) -> int | None:
        """The assembly that holds a charter."""
        row = self.db.get(CharterRow, charter_id)
        return row.assembly_id if row else None

    def get(self, charter_id: int, *, lock: bool = False) -> Charter | None:
        """A charter with every version of every article."""
        stmt = select(CharterRow).where(CharterRow.id == charter_id)
        row = self.db.scalar(for_update(stmt) if lock else stmt)
        if row is None:
            return None
        versions = self.db.scalars(
            select(ArticleVersionRow)
            .where(ArticleVersionRow.charter_id == charter_id)
            .order_by(ArticleVersionRow.number, ArticleVersionRow.version)
        )
        return Charter(
            row.title,
            tuple(
                ArticleVersion(
                    number=v.number,
                    version=v.version,
                    title=v.title,
                    text=v.text,
                    proposed_by=v.proposed_by,
                    backed_by=tuple(int(a) for a in v.backed_by),
                )
                for v in versions
            ),
        )

    def add_version(self, charter_id: int, version: ArticleVersion) -> None:
        """Store a new version of an article."""
        self.db.add(
            ArticleVersionRow(
                charter_id=charter_id,
                number=version.number,
                version=version.version,
                title=version.title,
                text=version.text,
                proposed_by=version.proposed_by,
                backed_by=list(version.backed_by),
            )
        )
        self.db.flush()

    def add_wording(self, charter_id: int, wording: Wording) -> None:
        """Store what a charter-amendment proposal puts forward."""
        self.db.add(
            WordingRow(
                proposal_id=wording.proposal_id,
                charter_id=charter_id,
                target=wording.target,
                title=wording.title,
            )
        )
        self.db.flush()

    def wording(self, proposal_id: int, text: str) -> tuple[int, Wording] | None:
        """(charter id, wording) of a proposal; its text is the proposal's current text."""
        row = self.db.get(WordingRow, proposal_id)
        if row is None:
            return None
        return row.charter_id, Wording(proposal_id, row.target, row.title, text)
