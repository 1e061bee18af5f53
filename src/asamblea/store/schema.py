"""Every model module, imported so that `Base.metadata` holds the whole schema.

Alembic's env and the tests import this module. A domain with its own models module adds one
import line here (keep the list sorted).
"""

from asamblea.store import (
    archive_models,
    budgeting_models,
    delegation_models,
    deliberation_models,
    encrypted_votes_models,
    federation_models,
    feeds_models,
    mail_models,
    mobilisation_models,
    mobilisation_platform_models,
    notices_models,
    planning_models,
    runner_models,
    votes_models,
    webhooks_models,
)
from asamblea.store.base import Base

__all__ = [
    "Base",
    "archive_models",
    "budgeting_models",
    "delegation_models",
    "deliberation_models",
    "encrypted_votes_models",
    "federation_models",
    "feeds_models",
    "mail_models",
    "mobilisation_models",
    "mobilisation_platform_models",
    "notices_models",
    "planning_models",
    "runner_models",
    "votes_models",
    "webhooks_models",
]
