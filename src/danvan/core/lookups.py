"""`__under`: "this materialised path lies under that one", indexed on both databases.

Territory paths look like "2025/48/20341/". On PostgreSQL, `LIKE 'prefix%'` uses the pattern-ops
index Django creates for indexed CharFields. SQLite's LIKE ignores case, so it cannot use the
index there; a range does: every path under P sorts between P and P with its final "/" replaced
by "0", the next character up (paths hold only letters, digits and "/", compared byte-wise).
"""

from django.db.models import CharField, Lookup
from django.db.models.lookups import StartsWith


@CharField.register_lookup
class Under(Lookup):
    lookup_name = "under"

    def _prefix(self) -> str:
        if not isinstance(self.rhs, str) or not self.rhs.endswith("/"):
            raise ValueError("__under takes a path string that ends with '/'")
        return self.rhs

    def as_sql(self, compiler, connection):
        starts_with = StartsWith(self.lhs, self._prefix())
        return starts_with.as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        prefix = self._prefix()
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = prefix[:-1] + "0"
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, upper]
