"""JSON API of the unified platform: the platforms, one platform, merging by a members' vote,
raising a struggle's demand. Public reads, as proposals and escalations are; changes need a
facilitator of the assembly concerned (docs/mobilisation.md, "The unified platform")."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from asamblea.clock import utcnow
from asamblea.core.errors import N_, Invalid
from asamblea.services.federation import accounts
from asamblea.services.mobilisation import platform
from asamblea.web.context import Ctx
from asamblea.web.routes.common import Id
from asamblea.web.routes.federation.api import ERRORS, api_context
from asamblea.web.routes.mobilisation.platform_schemas import (
    BackerOut,
    DemandIn,
    DemandLineOut,
    DemandOut,
    MergeIn,
    MergeLineOut,
    MergeOut,
    PlatformOut,
    PlatformSummaryOut,
    PointOut,
)

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


def _point(p: platform.PlatformPoint) -> PointOut:
    return PointOut(
        id=p.id,
        proposal_id=p.proposal_id,
        title=p.title,
        text=p.text,
        state=p.state,
        assemblies=len(p.backers),
        members=p.members,
        backers=[BackerOut(**vars(b)) for b in p.backers],
        demands=[
            DemandLineOut(
                proposal_id=d.proposal_id,
                assembly=d.assembly,
                title=d.title,
                struggle_id=d.struggle_id,
            )
            for d in p.demands
        ],
        history=[
            MergeLineOut(
                vote_id=h.vote_id, at=h.at, into=h.into[0], merged=[m[0] for m in h.merged]
            )
            for h in p.history
        ],
    )


@router.get("/platforms", response_model=list[PlatformSummaryOut])
def list_platforms(ctx: Ctx = ApiCtx) -> list[PlatformSummaryOut]:
    """The upper assemblies whose platforms have points, the national one first."""
    with ctx.reading() as db:
        found = platform.platforms(db)
    return [
        PlatformSummaryOut(assembly_id=s.assembly_id, name=s.name, points=s.points) for s in found
    ]


@router.get("/assemblies/{assembly_id}/platform", response_model=PlatformOut)
def get_platform(assembly_id: Id, ctx: Ctx = ApiCtx) -> PlatformOut:
    """An upper assembly's platform (404 for a base assembly: it has none)."""
    with ctx.reading() as db:
        v = platform.platform_view(db, assembly_id, ctx.person)
    return PlatformOut(
        assembly_id=v.assembly.id,
        name=v.assembly.name,
        points=[_point(p) for p in v.points],
        merges_voting=[m.vote_id for m in v.pending],
    )


@router.post("/assemblies/{assembly_id}/platform/merges", status_code=201, response_model=MergeOut)
def propose_merge(assembly_id: Id, body: MergeIn, ctx: Ctx = ApiCtx) -> MergeOut:
    """Put merging duplicate points to the assembly's members: a vote opens now."""
    person = accounts.require(ctx.person)
    if len(set(body.merged)) != len(body.merged):
        raise Invalid(N_("Choose each point to merge once."))
    with ctx.transaction() as db:
        m = platform.propose_merge(
            db,
            person,
            assembly_id,
            into=body.into,
            merged=body.merged,
            now=utcnow(),
            days=body.days,
        )
    return MergeOut(id=m.id, into=m.into, merged=list(m.merged), vote_id=m.vote_id, state=m.state)


@router.post("/struggles/{struggle_id}/demands", status_code=201, response_model=DemandOut)
def raise_demand(struggle_id: Id, body: DemandIn, ctx: Ctx = ApiCtx) -> DemandOut:
    """A facilitator of the struggle's assembly raises a demand as a proposal (published)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        p = platform.raise_demand(db, person, struggle_id, title=body.title, text=body.text)
    return DemandOut(proposal_id=p.id, state=p.state)
