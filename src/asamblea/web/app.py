"""The app factory: pages, API, static files, error handlers and security headers."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from itsdangerous import URLSafeSerializer
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp

from asamblea import __version__
from asamblea.core.archive.media import MAX_UPLOAD
from asamblea.core.throttle import Throttle
from asamblea.services.archive.sweep import BlobSweep
from asamblea.services.federation.accounts import LoginPolicy
from asamblea.services.mobilisation.pledge_writer import PledgeBatcher
from asamblea.services.notices.mail_setup import mail_jobs
from asamblea.services.runner import Runner
from asamblea.services.votes.casting import CastBatcher
from asamblea.services.votes.votes import signing_key
from asamblea.services.webhooks import webhook_job
from asamblea.settings import Settings, get_settings
from asamblea.store.database import make_engine, make_sessionmaker
from asamblea.web import errors
from asamblea.web.body import BodyLimit
from asamblea.web.context import ReleaseContext, WebState
from asamblea.web.routes import site_pages
from asamblea.web.routes.archive import api as api_archive
from asamblea.web.routes.archive.consent_pages import router as archive_consent_router
from asamblea.web.routes.archive.link_pages import router as archive_link_router
from asamblea.web.routes.archive.pages import router as archive_router
from asamblea.web.routes.archive.team_pages import router as archive_team_router
from asamblea.web.routes.archive.upload_pages import PREFIX as ARCHIVE_UPLOADS
from asamblea.web.routes.archive.upload_pages import router as archive_upload_router
from asamblea.web.routes.budgeting import api as api_budgeting
from asamblea.web.routes.budgeting.pages import router as budget_router
from asamblea.web.routes.delegation.pages import router as delegate_router
from asamblea.web.routes.deliberation import api as api_deliberation
from asamblea.web.routes.deliberation.charter_pages import router as charter_router
from asamblea.web.routes.deliberation.pages import router as deliberation_router
from asamblea.web.routes.encrypted_votes import api as api_encrypted_votes
from asamblea.web.routes.encrypted_votes.pages import router as trustee_router
from asamblea.web.routes.federation import account_pages
from asamblea.web.routes.federation import api as api_federation
from asamblea.web.routes.federation import pages as federation_pages
from asamblea.web.routes.feeds import api as api_feeds
from asamblea.web.routes.feeds import files as feed_files
from asamblea.web.routes.feeds import pages as feed_pages
from asamblea.web.routes.mobilisation import action_pages as mobilisation_actions
from asamblea.web.routes.mobilisation import api as api_mobilisation
from asamblea.web.routes.mobilisation import pages as mobilisation_pages
from asamblea.web.routes.mobilisation import platform_api as api_platform
from asamblea.web.routes.mobilisation import platform_pages as mobilisation_platform
from asamblea.web.routes.notices import api as api_notices
from asamblea.web.routes.notices import mail_api as api_mail
from asamblea.web.routes.notices.mail_pages import router as mail_router
from asamblea.web.routes.notices.pages import router as notices_router
from asamblea.web.routes.planning import api as api_planning
from asamblea.web.routes.planning.pages import router as planning_router
from asamblea.web.routes.votes import api as api_votes
from asamblea.web.routes.votes import pages as vote_pages
from asamblea.web.routes.webhooks import api as api_webhooks
from asamblea.web.routes.webhooks import pages as webhook_pages
from asamblea.web.security import SecurityHeaders

STATIC = Path(__file__).resolve().parent / "static"


class CachedStatic(StaticFiles):
    """Static files with a long cache lifetime: slow links should fetch them once."""

    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        """Serve the file with a cache header."""
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=86400"
        return response


class Asamblea(FastAPI):
    """FastAPI with the security headers outermost: they reach every response, the 500 that
    Starlette's error middleware answers included (it sits outside every added middleware)."""

    def build_middleware_stack(self) -> ASGIApp:
        """The usual stack, wrapped in `SecurityHeaders`."""
        return SecurityHeaders(super().build_middleware_stack())


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the web application around one database."""
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    secret = settings.secret()
    app = Asamblea(
        title="Asamblea",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        license_info={"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    )
    sessions = make_sessionmaker(engine)
    key = signing_key(secret)
    app.state.web = WebState(
        settings=settings,
        sessions=sessions,
        readers=make_sessionmaker(engine, read_only=True),
        signing_key=key,
        batcher=CastBatcher(sessions, key),
        pledger=PledgeBatcher(sessions),
        signer=URLSafeSerializer(secret),
        policy=LoginPolicy(
            hmac_key=secret.encode("utf-8"),
            throttle=Throttle(
                per_pair=settings.login_attempts_per_pair,
                per_address=settings.login_attempts_per_address,
                free_per_account=settings.login_attempts_per_account,
                base_delay=settings.login_delay_seconds,
                max_delay=settings.login_max_delay_seconds,
            ),
            window=timedelta(minutes=settings.login_window_minutes),
        ),
    )
    app.state.engine = engine
    errors.install(app)
    # Routes are matched in order, and matching is not free (a few microseconds per route
    # tried): the JSON API first, its hottest paths first (casting, then pledging: behind the
    # other APIs a pledge's match cost ~0.4 ms of the event loop), pages after.
    for api in (
        api_votes.router,
        api_mobilisation.router,
        api_encrypted_votes.router,
        api_federation.router,
        api_deliberation.router,
        api_budgeting.router,
        api_planning.router,
        api_archive.router,
        api_platform.router,
        api_notices.router,
        api_feeds.router,
        api_webhooks.router,
        api_mail.router,
    ):
        app.include_router(api)
    # Pages (HTML, /fuente.zip, carta.md, /salud) are not part of the JSON API's schema.
    for pages in (
        site_pages.router,
        account_pages.router,
        federation_pages.router,
        vote_pages.router,
        trustee_router,
        planning_router,
        budget_router,
        deliberation_router,
        charter_router,
        mobilisation_pages.router,
        mobilisation_actions.router,
        mobilisation_platform.router,
        delegate_router,
        archive_router,
        archive_consent_router,
        archive_team_router,
        archive_link_router,
        archive_upload_router,
        notices_router,
        feed_files.router,
        feed_pages.router,
        webhook_pages.router,
        mail_router,
    ):
        app.include_router(pages, include_in_schema=False)
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    app.add_middleware(
        BodyLimit,
        limit=settings.max_body_bytes,
        streamed=(
            ("PATCH", "/api/v1/archive/uploads/", MAX_UPLOAD),
            ("POST", ARCHIVE_UPLOADS, MAX_UPLOAD + 64 * 1024),
        ),  # the form's other fields
    )
    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.add_middleware(ReleaseContext)
    app.router.add_event_handler("shutdown", app.state.web.batcher.stop)
    app.router.add_event_handler("shutdown", app.state.web.pledger.stop)
    if settings.runner:  # the embedded runner: what is due is done with nothing else to start
        runner = Runner(
            sessions,
            key,
            interval=settings.runner_interval_seconds,
            batch=settings.runner_batch,
            jobs=(
                *mail_jobs(settings, sessions),
                webhook_job(sessions, settings).run,
                BlobSweep(sessions, settings.instance_dir / "archive"),
            ),
        )
        app.router.add_event_handler("startup", runner.start)
        app.router.add_event_handler("shutdown", runner.stop)
    return app
