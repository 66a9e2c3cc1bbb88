import gettext

import pytest

from clusterscape.core.compile_messages import compile_catalogues

pytestmark = pytest.mark.unit

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Organisations"
msgstr "Organisationen"
"""


def test_compile_catalogues_writes_mo_that_gettext_reads(tmp_path):
    po_path = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(PO, encoding="utf-8")

    written = compile_catalogues(tmp_path)

    assert written == [po_path.with_suffix(".mo")]
    with po_path.with_suffix(".mo").open("rb") as mo_file:
        assert gettext.GNUTranslations(mo_file).gettext("Organisations") == "Organisationen"


def test_compile_catalogues_skips_up_to_date_files(tmp_path):
    po_path = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_text(PO, encoding="utf-8")
    compile_catalogues(tmp_path)

    assert compile_catalogues(tmp_path) == []
