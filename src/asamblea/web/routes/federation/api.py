"""JSON API: accounts, tokens, the federation tree, assemblies and memberships."""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from asamblea.clock import utcnow
from asamblea.core.errors import N_, Forbidden, Invalid, Unauthenticated
from asamblea.core.federation import Assembly, Membership, rules_to_dict
from asamblea.services.federation import accounts
from asamblea.services.federation import assemblies as federation
from asamblea.services.federation import rules as assembly_rules
from asamblea.services.federation.assemblies import AssemblyView, TreeNode
from asamblea.web.context import Ctx, check_csrf, load_context, token_context
from asamblea.web.render import finish
from asamblea.web.routes.api.schemas import (
    AssemblyDetailOut,
    AssemblyIn,
    AssemblyOut,
    ErrorOut,
    LoginIn,
    MemberOut,
    MembershipOut,
    PasswordIn,
    PendingOut,
    PersonOut,
    RegisterIn,
    RulesChangeOut,
    RulesIn,
    RulesOut,
    TokenOut,
    TreeOut,
)
from asamblea.web.routes.common import Id

TOKEN_DAYS = 30


async def api_context(request: Request) -> Ctx:
    """The request's context; a cookie-authenticated change must carry the X-CSRF-Token header."""
    ctx = load_context(request)
    unsafe = request.method not in {"GET", "HEAD", "OPTIONS"}
    if unsafe and ctx.session_token and not check_csrf(ctx, request.headers.get("x-csrf-token")):
        raise Forbidden(N_("Missing or wrong X-CSRF-Token header."))
    return ctx


async def writer_context(request: Request) -> Ctx:
    """The context of a request answered by a batching writer: an API token's owner is found
    later, by the writer in the request's own batch (no read here); a cookie request goes
    through `api_context` and its X-CSRF-Token check."""
    token = accounts.bearer_token(request.headers.get("authorization"))
    if token is None:
        return await api_context(request)
    ctx = token_context(request)
    if not accounts.plausible_token(token):  # refused here: never queued for the writer
        raise Unauthenticated(N_("Log in to do this."))
    return ctx


#: Every API operation may answer these (400: a body that cannot be read — not UTF-8, or not
#: parsable —; 413: a body over the configured limit), each with an `ErrorOut` body.
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 409, 413, 422, 429)
}
router = APIRouter(prefix="/api/v1", responses=ERRORS)
ApiCtx = Depends(api_context)


@router.post("/accounts", status_code=201, response_model=PersonOut)
def register(body: RegisterIn, ctx: Ctx = ApiCtx) -> PersonOut:
    """Create an account (no e-mail or phone asked)."""
    with ctx.transaction() as db:
        person = accounts.register(db, body.username, body.password, body.locale or ctx.locale)
    return PersonOut(id=person.id, username=person.username, locale=person.locale)


@router.post("/tokens", status_code=201, response_model=TokenOut)
async def login(body: LoginIn, ctx: Ctx = ApiCtx) -> TokenOut:
    """Log in: a bearer token for the `Authorization` header (throttled like the page)."""
    delay = await run_in_threadpool(_login_delay, ctx, body)
    await anyio.sleep(delay)  # waits without holding a thread
    return await run_in_threadpool(_issue_token, ctx, body)


def _login_delay(ctx: Ctx, body: LoginIn) -> float:
    with ctx.reading() as db:
        return accounts.login_delay(db, body.username, ctx.address(), ctx.state.policy)


def _issue_token(ctx: Ctx, body: LoginIn) -> TokenOut:
    with ctx.transaction() as db:
        person = accounts.authenticate(
            db, body.username, body.password, ctx.address(), ctx.state.policy
        )
    if person is None:
        raise Invalid(N_("Wrong username or password."))
    with ctx.transaction() as db:
        return TokenOut(token=accounts.issue_token(db, person, TOKEN_DAYS))


@router.delete("/tokens/current", status_code=204)
def logout(request: Request, ctx: Ctx = ApiCtx) -> Response:
    """Revoke the token in use."""
    person = accounts.require(ctx.person)
    token = request.headers.get("authorization", "")[7:].strip()
    if ctx.via_token:
        with ctx.transaction() as db:
            accounts.revoke_token(db, token, person)
    return finish(ctx, Response(status_code=204))


@router.get("/me", response_model=PersonOut)
def me(ctx: Ctx = ApiCtx) -> PersonOut:
    """Who I am."""
    person = accounts.require(ctx.person)
    return PersonOut(id=person.id, username=person.username, locale=person.locale)


@router.get("/me/memberships", response_model=list[MembershipOut])
def my_memberships(ctx: Ctx = ApiCtx) -> list[MembershipOut]:
    """My assemblies and where I stand in each."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return [_membership(m) for _, m in federation.my_assemblies(db, person)]


@router.post("/me/password", status_code=204)
def change_password(body: PasswordIn, ctx: Ctx = ApiCtx) -> Response:
    """Change my password; other sessions and tokens end."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        accounts.change_password(db, person, body.current_password, body.new_password)
    return finish(ctx, Response(status_code=204))


@router.get("/assemblies", response_model=list[TreeOut])
def tree(ctx: Ctx = ApiCtx) -> list[TreeOut]:
    """The federation as a forest of trees."""
    with ctx.reading() as db:
        return [_tree(node) for node in federation.federation_tree(db)]


@router.post("/assemblies", status_code=201, response_model=AssemblyOut)
def create(body: AssemblyIn, ctx: Ctx = ApiCtx) -> AssemblyOut:
    """Found an assembly; I become its first facilitator."""
    person = accounts.require(ctx.person)
    rules = body.rules()
    with ctx.transaction() as db:
        assembly = federation.create_assembly(
            db,
            person,
            name=body.name,
            kind=body.kind,
            parent_id=body.parent_id,
            description=body.description,
            assembly_rules=rules,
        )
    return _assembly(assembly, 1)


@router.get("/assemblies/{assembly_id}", response_model=AssemblyDetailOut)
def detail(assembly_id: Id, ctx: Ctx = ApiCtx) -> AssemblyDetailOut:
    """One assembly; members and requests only if I am an active member; `rules_change`, the
    latest change of its rules put to the members (settled when its vote was published)."""
    with ctx.reading() as db:
        found = _detail(federation.assembly_view(db, ctx.person, assembly_id))
        status = assembly_rules.rules_status(db, assembly_id)
    return found.model_copy(update={"rules_change": _rules_change(status)})


@router.put("/assemblies/{assembly_id}/rules", status_code=202, response_model=RulesChangeOut)
def propose_rules(assembly_id: Id, body: RulesIn, ctx: Ctx = ApiCtx) -> RulesChangeOut:
    """Put new rules to the members (facilitators): every rule, replacing them all if adopted.
    Answers 202 with the pending change: a secret yes/no vote of the members (the assembly's
    quorum) opens at once, for `vote_days` days; once it is published and has carried, the
    rules apply (`GET /assemblies/{id}` shows them); if it failed, nothing changes. One change
    is under vote at a time (409); the rules in force cannot be proposed again (422)."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        assembly_rules.propose_rules(
            db, person, assembly_id, body.rules(), now=utcnow(), days=body.vote_days
        )
        status = assembly_rules.rules_status(db, assembly_id)
    answer = _rules_change(status)
    assert answer is not None  # noqa: S101 - just proposed
    return answer


@router.get("/assemblies/{assembly_id}/members", response_model=list[MemberOut])
def members(assembly_id: Id, ctx: Ctx = ApiCtx) -> list[MemberOut]:
    """The member list, for active members only."""
    person = accounts.require(ctx.person)
    with ctx.reading() as db:
        return [_member(m, name) for m, name in federation.members(db, person, assembly_id)]


@router.post("/assemblies/{assembly_id}/join", status_code=201, response_model=MembershipOut)
def join(assembly_id: Id, ctx: Ctx = ApiCtx) -> MembershipOut:
    """Ask to join a base assembly."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        return _membership(federation.request_to_join(db, person, assembly_id))


@router.post("/assemblies/{assembly_id}/leave", status_code=204)
def leave(assembly_id: Id, ctx: Ctx = ApiCtx) -> Response:
    """Leave, or withdraw my request."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        federation.leave(db, person, assembly_id)
    return finish(ctx, Response(status_code=204))


@router.post("/memberships/{membership_id}/vouch", response_model=MembershipOut)
def vouch(membership_id: Id, ctx: Ctx = ApiCtx) -> MembershipOut:
    """Vouch for a pending member I know in person."""
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        return _membership(federation.vouch(db, person, membership_id))


@router.post("/memberships/{membership_id}/suspend", response_model=MembershipOut)
def suspend(membership_id: Id, ctx: Ctx = ApiCtx) -> MembershipOut:
    """Suspend a member (facilitators)."""
    return _facilitator_action(ctx, membership_id, federation.suspend)


@router.post("/memberships/{membership_id}/reinstate", response_model=MembershipOut)
def reinstate(membership_id: Id, ctx: Ctx = ApiCtx) -> MembershipOut:
    """Lift a suspension (facilitators)."""
    return _facilitator_action(ctx, membership_id, federation.reinstate)


@router.post("/memberships/{membership_id}/facilitator", response_model=MembershipOut)
def make_facilitator(membership_id: Id, ctx: Ctx = ApiCtx) -> MembershipOut:
    """Name another facilitator (facilitators)."""
    return _facilitator_action(ctx, membership_id, federation.make_facilitator)


def _facilitator_action(
    ctx: Ctx, membership_id: int, action: federation.MembershipAction
) -> MembershipOut:
    person = accounts.require(ctx.person)
    with ctx.transaction() as db:
        action(db, person, membership_id)
        return _membership(federation.membership_for(db, person, membership_id))


def _tree(node: TreeNode) -> TreeOut:
    return TreeOut(
        id=node.assembly.id,
        name=node.assembly.name,
        kind=node.assembly.kind,
        active_members=node.active_members,
        children=[_tree(c) for c in node.children],
    )


def _assembly(assembly: Assembly, active: int) -> AssemblyOut:
    return AssemblyOut(
        id=assembly.id,
        name=assembly.name,
        kind=assembly.kind,
        parent_id=assembly.parent_id,
        description=assembly.description,
        rules=RulesOut(**rules_to_dict(assembly.rules)),
        active_members=active,
    )


def _rules_change(status: assembly_rules.RulesStatus | None) -> RulesChangeOut | None:
    if status is None:
        return None
    c = status.change
    return RulesChangeOut(
        id=c.id,
        assembly_id=c.assembly_id,
        state=c.state,
        rules=RulesOut(**rules_to_dict(c.rules)),
        before=RulesOut(**rules_to_dict(c.before)),
        vote_id=c.vote_id,
        vote_state=status.vote.state if status.vote else None,
        proposed_at=c.proposed_at,
        settled_at=c.settled_at,
    )


def _membership(m: Membership) -> MembershipOut:
    return MembershipOut(id=m.id, assembly_id=m.assembly_id, state=m.state, role=m.role)


def _member(m: Membership, name: str) -> MemberOut:
    return MemberOut(membership_id=m.id, username=name, state=m.state, role=m.role)


def _detail(view: AssemblyView) -> AssemblyDetailOut:
    base = _assembly(view.assembly, view.active_members)
    return AssemblyDetailOut(
        **base.model_dump(),
        breadcrumbs=[a.id for a in view.breadcrumbs],
        children=[a.id for a, _ in view.children],
        facilitators=list(view.facilitators),
        vouches_required=view.vouches_required,
        mine=_membership(view.mine) if view.mine else None,
        members=[_member(m, n) for m, n in view.members] if view.members is not None else None,
        pending=[
            PendingOut(
                membership_id=p.membership.id,
                username=p.username,
                vouches=p.vouches,
                vouched_by_me=p.vouched_by_me,
            )
            for p in view.pending
        ]
        if view.pending is not None
        else None,
    )
