"""The audit key: required in production, generated once into var/ in the embedded mode, and
never shown."""

from __future__ import annotations

import threading

import pytest

from dfr.errors import DfrError
from dfr.keys import AUDIT_KEY_FILE, audit_key, generated_secret
from dfr.settings import Settings


@pytest.mark.parametrize(
    "production", [{"web_auth": "header"}, {"flow_mode": "deployments"}], ids=["header", "pool"]
)
def test_production_refuses_to_run_without_an_audit_key(tmp_path, production):
    settings = Settings(var_dir=tmp_path, **production)
    with pytest.raises(DfrError, match="Set DFR_AUDIT_KEY"):
        audit_key(settings)
    assert not (tmp_path / AUDIT_KEY_FILE).exists()  # never generated beside the database
    assert audit_key(Settings(var_dir=tmp_path, audit_key="k" * 40, **production)) == b"k" * 40


def test_the_web_app_refuses_to_start_in_production_without_an_audit_key(tmp_path):
    from dfr.web.app import create_app

    settings = Settings(var_dir=tmp_path, web_auth="header")
    with pytest.raises(DfrError, match="DFR_AUDIT_KEY"):
        create_app(settings)


def test_the_embedded_mode_generates_one_key_and_keeps_it(tmp_path):
    settings = Settings(var_dir=tmp_path / "var")
    first = audit_key(settings)
    assert len(first) >= 32 and audit_key(settings) == first
    assert (tmp_path / "var" / AUDIT_KEY_FILE).stat().st_mode & 0o077 == 0


def test_processes_starting_at_once_agree_on_one_secret(tmp_path):
    found: list[str] = []
    barrier = threading.Barrier(8)

    def make() -> None:
        barrier.wait()
        found.append(generated_secret(tmp_path, "shared"))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(found) == 8 and len(set(found)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["shared"]  # no partial file left


def test_the_audit_key_is_never_shown(tmp_path):
    settings = Settings(var_dir=tmp_path, audit_key="very-secret-audit-key")
    assert "very-secret-audit-key" not in repr(settings)
    assert "very-secret-audit-key" not in str(settings.model_dump())


def test_a_replaced_key_file_is_read_again(tmp_path):
    settings = Settings(var_dir=tmp_path)
    first = audit_key(settings)
    replacement = tmp_path / "replacement"
    replacement.write_text("another-key-from-a-restored-backup\n", encoding="utf-8")
    replacement.replace(tmp_path / AUDIT_KEY_FILE)
    assert audit_key(settings) == b"another-key-from-a-restored-backup" != first
