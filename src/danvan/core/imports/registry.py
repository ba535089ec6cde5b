"""Which row schemas can be imported, by key (the key appears in URLs: /imports/organisations/)."""

from django.utils.module_loading import import_string

from danvan.core.imports.schema import ImportSchema

_SCHEMAS: dict[str, str] = {
    "organisations": "danvan.organisations.imports.OrganisationImport",
    "users": "danvan.accounts.imports.UserImport",
}


def register(key: str, dotted_path: str) -> None:
    """Later apps add their schema from their AppConfig.ready()."""
    _SCHEMAS[key] = dotted_path


def schema_class(key: str) -> type[ImportSchema]:
    try:
        return import_string(_SCHEMAS[key])
    except KeyError as exc:
        raise LookupError(key) from exc


def schema_keys() -> list[str]:
    return list(_SCHEMAS)
