import pytest
from django.core.management import load_command_class

PROJECT_COMMANDS = [
    ("danvan.core", "demo"),
    ("danvan.core", "serve"),
    ("danvan.core", "generate"),
    ("danvan.core", "worker"),
    ("danvan.audit", "check_audit"),
    ("danvan.territories", "import_territories"),
]


@pytest.mark.parametrize(("app", "name"), PROJECT_COMMANDS)
def test_help_of_every_project_command_renders(app, name):
    command = load_command_class(app, name)

    text = command.create_parser("danvan", name).format_help()

    assert f"danvan {name}" in text
    assert len(text.splitlines()) > 3
