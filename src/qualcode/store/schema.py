"""The schema revision this code expects.

Kept as a constant so that opening an up-to-date store costs one query and
no alembic import; ``tests/test_migrations.py`` checks it equals alembic's head.
"""

HEAD = "0010_owned_team_rows"
