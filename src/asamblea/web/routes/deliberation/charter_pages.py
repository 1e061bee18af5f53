"""The charter's pages: the text in force and its founding, wordings proposed for an
article, the one Schulze vote where they compete, every version of an article, the word
diff between two, and the Markdown and printable exports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import Field
from sqlalchemy.orm import Session

from asamblea.core import edge
from asamblea.core.deliberation import ProposalKind, ProposalState
from asamblea.core.errors import N_, Invalid
from asamblea.services import charter, deliberation
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.web.context import CtxDep
from asamblea.web.forms import MAX_ID, Form, OptionalId, parse
from asamblea.web.render import finish, redirect, render
from asamblea.web.routes.common import Id, posted, posted_form
from asamblea.web.routes.deliberation.pages import VoteTermsForm, vote_terms

router = APIRouter()


#: Article numbers and versions in paths and queries.
Number = Annotated[int, Path(ge=1, le=10_000)]


MAX_PROPOSALS_IN_VOTE = 20


class CharterForm(Form):
    """Found a charter: a title and its articles ("## Title" then the text)."""

    title: str = Field(min_length=1, max_length=200)
    articles: str = Field(min_length=1, max_length=20_000)


class WordingForm(Form):
    """New wording for an article (or a new article)."""

    charter_id: int = Field(ge=1, le=2**31 - 1)
    target: OptionalId
    article_title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=20_000)


@router.get("/asambleas/{assembly_id}/carta")
def charter_page(ctx: CtxDep, assembly_id: Id) -> Response:
    """The charter this assembly holds (or the nearest above it): articles in force, links to
    each article's history, the form to propose a wording; founding it (facilitators)."""
    with ctx.reading() as db:
        view = federation.assembly_view(db, ctx.person, assembly_id)
        found = charter.charter_of(db, assembly_id)
        for above in reversed(view.breadcrumbs):
            if found is not None:
                break
            found = charter.charter_of(db, above.id)
        wordings = (
            [
                p
                for p in deliberation.proposals_of(db, ctx.person, found.assembly_id)
                if p.kind is ProposalKind.CHARTER_AMENDMENT and p.state is ProposalState.DEBATE
            ]
            if found
            else []
        )
        holder = (
            federation.assembly_view(db, ctx.person, found.assembly_id)
            if found and found.assembly_id != assembly_id
            else view
        )
    return render(
        ctx,
        "charter.html",
        view=view,
        a=view.assembly,
        c=found,
        holder=holder,
        wordings=wordings,
        is_member=bool(view.mine and view.mine.is_active),
    )


@router.post("/asambleas/{assembly_id}/carta")
async def create_charter(ctx: CtxDep, assembly_id: Id) -> Response:
    """A facilitator founds the assembly's charter."""
    person, form = await posted_form(ctx, CharterForm)
    articles = split_articles(form.articles)
    with ctx.transaction() as db:
        charter.create_charter(db, person, assembly_id, title=form.title, articles=articles)
    return redirect(ctx, f"/asambleas/{assembly_id}/carta")


def split_articles(text: str) -> list[tuple[str, str]]:
    """Articles written as "## Title" lines, each followed by its text."""
    articles: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            articles.append((line[3:].strip(), []))
        elif articles:
            articles[-1][1].append(line)
        elif line.strip():
            raise Invalid(N_('Start each article with a line "## Title".'))
    if not articles:
        raise Invalid(N_('Start each article with a line "## Title".'))
    return [(title, "\n".join(lines).strip()) for title, lines in articles]


@router.post("/asambleas/{assembly_id}/redacciones")
async def propose_wording(ctx: CtxDep, assembly_id: Id) -> Response:
    """An active member drafts new wording for an article (a charter-amendment proposal)."""
    person, form = await posted_form(ctx, WordingForm)
    with ctx.transaction() as db:
        proposal = charter.propose_wording(
            db,
            person,
            assembly_id,
            form.charter_id,
            target=form.target,
            article_title=form.article_title,
            text=form.text,
        )
    return redirect(ctx, f"/propuestas/{proposal.id}")


@router.post("/cartas/{charter_id}/votacion")
async def charter_vote(ctx: CtxDep, charter_id: Id) -> Response:
    """A facilitator of the holder puts competing wordings of one article to one vote."""
    data = await posted(ctx)
    person = accounts.require(ctx.person)
    form = parse(VoteTermsForm, data)
    chosen = sorted(
        number
        for key, value in data.items()
        if value and (number := edge.natural_suffix(key, "propuesta_", maximum=MAX_ID))
    )
    if not chosen or len(chosen) > MAX_PROPOSALS_IN_VOTE:
        raise Invalid(N_("Choose the wordings that compete in this vote."))
    with ctx.transaction() as db:
        held = charter.charter_view(db, charter_id)
        terms = vote_terms(form)
        vote = charter.start_charter_vote(db, person, chosen, terms)
        if vote.assembly_id != held.assembly_id:
            raise Invalid(N_("Only wordings of the same article compete in one vote."))
    return redirect(ctx, f"/votaciones/{vote.id}")


@router.get("/cartas/{charter_id}/articulos/{number}")
def article_page(ctx: CtxDep, charter_id: Id, number: Number) -> Response:
    """Every version of an article, with who proposed it and who backed it."""
    with ctx.reading() as db:
        held = charter.charter_view(db, charter_id)
        history = charter.article_history(db, charter_id, number)
        names = _assembly_names(db, {a for v in history for a in v.backed_by})
    return render(ctx, "charter_article.html", c=held, number=number, history=history, names=names)


@router.get("/cartas/{charter_id}/articulos/{number}/comparar")
def compare_page(
    ctx: CtxDep,
    charter_id: Id,
    number: Number,
    de: int = Query(default=1, ge=1, le=10_000),
    a: int = Query(default=2, ge=1, le=10_000),
) -> Response:
    """The word diff between two versions of an article."""
    with ctx.reading() as db:
        held = charter.charter_view(db, charter_id)
        history = charter.article_history(db, charter_id, number)
        diff = charter.compare_versions(db, charter_id, number, de, a)
    return render(
        ctx, "charter_diff.html", c=held, number=number, diff=diff, history=history, de=de, a=a
    )


@router.get("/cartas/{charter_id}/carta.md")
def charter_markdown(ctx: CtxDep, charter_id: Id) -> Response:
    """The text in force as a Markdown download."""
    with ctx.reading() as db:
        text = charter.export_markdown(db, charter_id)
    response = Response(
        text,
        media_type="text/markdown; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="carta-{charter_id}.md"'},
    )
    return finish(ctx, response)


@router.get("/cartas/{charter_id}/imprimir")
def charter_print(ctx: CtxDep, charter_id: Id) -> Response:
    """The text in force as a printable page."""
    with ctx.reading() as db:
        held = charter.charter_view(db, charter_id)
    return render(ctx, "charter_print.html", c=held)


def _assembly_names(db: Session, ids: set[int]) -> dict[int, str]:
    return {a.id: a.name for a in federation.all_assemblies(db) if a.id in ids}
