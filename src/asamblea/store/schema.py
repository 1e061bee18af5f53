"""Every model module, imported so that `Base.metadata` holds the whole schema.

Alembic's env and the tests import this module. An area with its own models module adds one
import line here (keep the list sorted).
"""

from asamblea.store import budget_models, deliberation_models, models, planning_models
from asamblea.store.models import Base

__all__ = ["Base", "budget_models", "deliberation_models", "models", "planning_models"]
