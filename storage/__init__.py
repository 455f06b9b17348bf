"""The shared store: SQLAlchemy 2 models, queries, Alembic migrations and exports.

`storage` imports nothing of the project above it (`actions`, `bot`).
"""
