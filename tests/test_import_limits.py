"""An import file over IMPORT_MAX_BYTES is refused before it is parsed, with nothing written."""

import io

import pytest
from django.core.management import CommandError, call_command

from rulebook.models import AuditEntry, Rulebook

SMALL = "rulebook: {slug: tiny, title: Tiny}\nrules: []\n"


@pytest.fixture
def limit(settings):
    settings.IMPORT_MAX_BYTES = 1_000
    return settings.IMPORT_MAX_BYTES


def oversized() -> str:
    # Valid YAML all the way: only its size is wrong.
    return SMALL + "".join(f"# padding line {n:05}\n" for n in range(200))


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_by_size_and_nothing_is_written(tmp_path, limit):
    path = tmp_path / "big.yaml"
    path.write_text(oversized())
    assert path.stat().st_size > limit
    with pytest.raises(CommandError) as refused:
        call_command("import_rulebook", str(path))
    assert str(refused.value) == (
        f"{path} is larger than 0.001 MB, the most an import may be (IMPORT_MAX_BYTES); "
        "nothing was imported."
    )
    assert not Rulebook.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_standard_input_over_the_limit_is_refused_without_reading_all_of_it(limit):
    stream = io.StringIO(oversized() * 1_000)
    with pytest.raises(CommandError, match=r"Standard input is larger than 0\.001 MB"):
        call_command("import_rulebook", "-", stdin=stream)
    assert stream.tell() <= limit + 1
    assert not Rulebook.objects.exists()


@pytest.mark.django_db
def test_multibyte_text_is_measured_in_bytes(limit):
    text = SMALL + "# " + "é" * 600 + "\n"  # fewer than 1,000 characters, more than 1,000 bytes
    assert len(text) < limit < len(text.encode())
    with pytest.raises(CommandError, match="larger than"):
        call_command("import_rulebook", "-", stdin=io.StringIO(text))


@pytest.mark.django_db
def test_a_file_under_the_limit_imports(tmp_path, limit):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    call_command("import_rulebook", str(path), stdout=io.StringIO())
    assert Rulebook.objects.filter(slug="tiny").exists()


@pytest.mark.django_db
def test_create_app_role_says_it_needs_postgresql_on_sqlite():
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for other databases")
    with pytest.raises(CommandError, match="create_app_role needs PostgreSQL"):
        call_command("create_app_role", "rulebook_app")
