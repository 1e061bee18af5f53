"""The Atom feed (RFC 4287) of an assembly's published decisions: votes whose result is
published and proposals adopted. The public feed holds public votes (and every adopted
proposal: proposals are public); a member's private feed adds the members-only votes. An entry
says what was decided and where to read it; never who chose what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from asamblea import i18n
from asamblea.core.errors import N_, NotFound
from asamblea.core.feeds import Reader, shows_vote
from asamblea.core.people import Person
from asamblea.formats.feed import FeedEntry, dump_feed
from asamblea.services.feeds.calendars import Links
from asamblea.services.feeds.tokens import private_assembly
from asamblea.store.federation_repository import FederationRepository
from asamblea.store.feeds_repository import FeedsRepository


def decisions_feed(
    db: Session,
    assembly_id: int,
    links: Links,
    now: datetime,
    *,
    self_url: str,
    person: Person | None = None,
    language: str = "es",
) -> bytes:
    """The assembly's decisions: public, or (``person`` given, an active member) private."""
    assembly = FederationRepository(db).assembly(assembly_id)
    if assembly is None:
        raise NotFound(N_("That assembly does not exist."))
    if person is not None:
        private_assembly(db, person, assembly_id)
    reader = Reader.PUBLIC if person is None else Reader.MEMBER
    repo = FeedsRepository(db)
    entries = [
        FeedEntry(
            f"{links.base}/votaciones/{vote.id}",
            i18n.translate_error(N_("Result published: {question}"), {"question": vote.question}),
            vote.closed_at,
            f"{links.base}/votaciones/{vote.id}",
        )
        for vote in repo.votes([assembly_id])
        if vote.state == "published" and vote.closed_at and shows_vote(vote.public, reader)
    ]
    entries += [
        FeedEntry(
            f"{links.base}/propuestas/{proposal.id}",
            i18n.translate_error(N_("Proposal adopted: {title}"), {"title": proposal.title}),
            proposal.at,
            f"{links.base}/propuestas/{proposal.id}",
        )
        for proposal in repo.adopted([assembly_id])
    ]
    title = i18n.translate_error(N_("Decisions of {assembly}"), {"assembly": assembly.name})
    return dump_feed(
        feed_id=f"{links.base}/asambleas/{assembly_id}/decisiones.atom",
        title=title,
        self_url=self_url,
        page_url=f"{links.base}/asambleas/{assembly_id}",
        entries=entries,
        language=language,
        now=now,
    )
