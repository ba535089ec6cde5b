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


class AddWordVector(CreateTrigramIndex):
    """A stored tsvector column computed from a normalised text column, with a GIN index, for
    `core.search.filter_by_words` on PostgreSQL.

    The column lives outside Django's model state: PostgreSQL fills it itself (a generated
    column), so inserts, COPY and updates never name it, and other databases never see it.
    """

    def __init__(self, *, model_name: str, field: str, name: str, column: str) -> None:
        super().__init__(model_name=model_name, field=field, name=name)
        self.column = column

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        table = quote(model._meta.db_table)
        source = quote(model._meta.get_field(self.field).column)
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {quote(self.column)} tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {source})) STORED"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {table} "
            f"USING gin ({quote(self.column)})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"DROP COLUMN IF EXISTS {schema_editor.quote_name(self.column)}"
        )

    def describe(self):
        return f"Add word vector {self.column} on {self.model_name}.{self.field}"

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {**kwargs, "column": self.column}


class DropTrigramIndex(CreateTrigramIndex):
    """The reverse of `CreateTrigramIndex`, for a column that moved to another kind of index."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        CreateTrigramIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        CreateTrigramIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Drop trigram index {self.name}"
