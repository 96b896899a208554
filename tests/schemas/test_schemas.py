"""Every schema in schemas/ is a valid 2020-12 schema, and every bundled
scenario validates."""
import pytest

from mockserver.resources import scenarios_dir
from mockserver.scenario.loader import read_file
from mockserver.schemas import default_schemas

SCHEMA_NAMES = [n for n in default_schemas().documents if n.endswith(".schema.json")]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_and_compiles(name):
    assert default_schemas().validator(name) is not None


def test_problems_name_the_field_and_path():
    problems = default_schemas().problems("navixy/delivery_request.schema.json", {"hash": 5})
    assert [(p.field, p.validator) for p in problems] == [("hash", "type")]
    missing = default_schemas().problems("navixy/delivery_request.schema.json", {})
    assert [(p.field, p.validator) for p in missing] == [("hash", "required")]


@pytest.mark.parametrize("path", sorted(scenarios_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scenarios_validate(path):
    assert read_file(path)["name"]
