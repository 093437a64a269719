"""In a real browser: sign in with a password and a one-time code, then manage a user."""

from __future__ import annotations

import pytest

from gugus.accounts.models import User
from tests.factories import PASSWORD, current_code, enrol_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_one_time_code_and_manage_a_user(page, org, tmp_path):
    admin = org.jatim_admin
    device = enrol_totp(admin)

    page.goto(page.base + "/")
    assert "/masuk/" in page.url
    # Indonesian by default, even though this browser asks for English.
    assert page.get_by_role("heading", name="Masuk").is_visible()
    page.get_by_label("Nama pengguna").fill(admin.username)
    page.get_by_label("Kata sandi").fill("wrong-password-1")
    page.get_by_role("button", name="Lanjutkan").click()
    assert page.get_by_text("Nama pengguna atau kata sandi tidak benar.").is_visible()

    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Lanjutkan").click()
    page.wait_for_url("**/masuk/kode/**")
    page.get_by_label("Kode sekali pakai").fill("12345")
    page.get_by_role("button", name="Verifikasi").click()
    assert page.locator(".field.has-error").is_visible()
    page.get_by_label("Kode sekali pakai").fill(current_code(device))
    page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(page.base + "/")
    page.screenshot(path=str(tmp_path / "home-1366.png"), full_page=True)

    page.get_by_role("navigation").get_by_role("link", name="Pengguna").click()
    page.get_by_role("link", name="Pengguna baru").click()
    page.get_by_label("Nama pengguna").fill("peksos.malang")
    page.get_by_label("Nama depan").fill("Rina")
    page.get_by_label("Instansi").select_option(label="Polres Malang")
    page.get_by_label("Peran").select_option("case_manager")
    page.get_by_label("Kata sandi awal").fill("short")
    page.get_by_role("button", name="Simpan").click()
    # The password rule is explained beside the field, and nothing was written.
    assert page.locator("#id_password_error").is_visible()
    assert not User.objects.filter(username="peksos.malang").exists()

    page.get_by_label("Kata sandi awal").fill("sementara-aman-2026")
    page.get_by_role("button", name="Simpan").click()
    assert page.get_by_text("Pengguna peksos.malang dibuat.").is_visible()

    page.get_by_label("Peran").select_option("supervisor")
    page.get_by_role("button", name="Simpan").click()
    assert page.get_by_text("Perubahan disimpan.").is_visible()
    created = User.objects.get(username="peksos.malang")
    assert created.role == "supervisor" and created.must_change_password

    page.get_by_role("button", name="Atur ulang kata sandi").click()
    temporary = page.get_by_test_id("temporary-password").inner_text()
    created.refresh_from_db()
    assert created.check_password(temporary)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/pengguna/")
    assert page.get_by_role("link", name="peksos.malang").is_visible()
    page.screenshot(path=str(tmp_path / "users-phone.png"), full_page=True)

    # English is one click away and sticks.
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", name="Users").is_visible()
