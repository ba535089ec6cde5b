"""Migration operations that only do something on PostgreSQL."""

from django.db.migrations.operations.base import Operation


class CreateTrigramIndex(Operation):
    """A pg_trgm GIN index so that `LIKE '%x%'` on a search column is indexed.

    SQLite has no such index; there the lookup scans, which is fine at the sizes a laptop holds.
    """

    reversible = True

    def __init__(self, *, model_name: str, field: str, name: str) -> None:
        self.model_name = model_name
        self.field = field
        self.name = name

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(model._meta.get_field(self.field).column)
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(self.name)} "
            f"ON {table} USING gin ({column} gin_trgm_ops)"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create trigram index {self.name} on {self.model_name}.{self.field}"

    def deconstruct(self):
        return (
            f"{self.__class__.__module__}.{self.__class__.__qualname__}",
            [],
            {"model_name": self.model_name, "field": self.field, "name": self.name},
        )


class CreateWordIndex(CreateTrigramIndex):
    """A GIN index on `to_tsvector('simple', column)` for `core.search.filter_by_words`."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        table = schema_editor.quote_name(model._meta.db_table)
        column = schema_editor.quote_name(model._meta.get_field(self.field).column)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(self.name)} "
            f"ON {table} USING gin (to_tsvector('simple'::regconfig, {column}))"
        )

    def describe(self):
        return f"Create full-text word index {self.name} on {self.model_name}.{self.field}"


class DropTrigramIndex(CreateTrigramIndex):
    """The reverse of `CreateTrigramIndex`, for a column that moved to another kind of index."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        CreateTrigramIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        CreateTrigramIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Drop trigram index {self.name}"
