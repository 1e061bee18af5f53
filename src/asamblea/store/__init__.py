"""Storage adapter: SQLAlchemy models, repositories, sessions and Alembic migrations."""
