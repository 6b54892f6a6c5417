"""A laptop without ICU: Zawgyi is still detected, kept as typed, flagged, and said so.

Each test runs Python in a subprocess whose ``sys.meta_path`` starts with a finder that
refuses module ``icu``, as on a machine where pyicu-wheels has no wheel and the ``zawgyi``
extra is not installed. Our code runs unchanged.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from survey_app.text import ZAWGYI_CONVERTED, ZAWGYI_DETECTED

BLOCK_ICU = textwrap.dedent("""
    import sys

    class NoICU:
        def find_spec(self, name, path=None, target=None):
            if name == "icu" or name.startswith("icu."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoICU())
""")

# "there is a trade union", typed in Zawgyi; the same in Unicode (tests/test_i18n_text.py).
ZAWGYI = ("\u1021\u101c\u102f\u1015\u1039\u101e\u1019\u102c\u1038 \u101e\u1019\u1002\u1062 "
          "\u101b\u103d\u102d\u1015\u102b\u101e\u100a\u1039")
UNICODE = ("\u1021\u101c\u102f\u1015\u103a\u101e\u1019\u102c\u1038 \u101e\u1019\u1002\u1039"
           "\u1002 \u101b\u103e\u102d\u1015\u102b\u101e\u100a\u103a")

NORMALISE = textwrap.dedent("""
    import json, logging, sys
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(message)s")
    from survey_app.text import normalise_answer, normalise_answers, zawgyi_conversion_available
    zawgyi, unicode_text = json.loads(sys.argv[1])
    result = {
        "available": zawgyi_conversion_available(),
        "zawgyi": normalise_answer(zawgyi, "my"),
        "again": normalise_answer(zawgyi, "en"),
        "unicode": normalise_answer(unicode_text, "my"),
        "decomposed": normalise_answer("Cafe\\u0301", "es"),
        "page": normalise_answers({"comment": zawgyi, "other": unicode_text, "n": 3}, "my"),
    }
    print(json.dumps(result))
""")


def _python(code: str, *args: str, block_icu: bool = True) -> subprocess.CompletedProcess:
    prelude = BLOCK_ICU if block_icu else ""
    return subprocess.run([sys.executable, "-c", prelude + code, *args], capture_output=True,
                          text=True, timeout=120)


def test_without_icu_zawgyi_is_kept_as_typed_and_flagged_detected():
    result = _python(NORMALISE, json.dumps([ZAWGYI, UNICODE]))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["available"] is False
    assert out["zawgyi"] == [ZAWGYI, [ZAWGYI_DETECTED]]
    assert out["again"] == [ZAWGYI, [ZAWGYI_DETECTED]]
    assert out["unicode"] == [UNICODE, []]
    assert out["decomposed"] == ["Caf\u00e9", []]  # NFC still applies to other text
    assert out["page"] == [{"comment": ZAWGYI, "other": UNICODE, "n": 3},
                           {"comment": [ZAWGYI_DETECTED]}]


def test_without_icu_the_log_says_so_once_and_holds_no_answer_text():
    result = _python(NORMALISE, json.dumps([ZAWGYI, UNICODE]))
    warnings = [line for line in result.stderr.splitlines() if "Zawgyi conversion" in line]
    assert len(warnings) == 1, result.stderr
    assert "unavailable" in warnings[0] and ZAWGYI_DETECTED in warnings[0]
    assert not any(char in result.stderr for char in set(ZAWGYI + UNICODE) - {" "})


def test_with_icu_the_same_answer_is_converted():
    result = _python(NORMALISE, json.dumps([ZAWGYI, UNICODE]), block_icu=False)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["available"] is True
    assert out["zawgyi"] == [UNICODE, [ZAWGYI_CONVERTED]]
    assert "Zawgyi conversion" not in result.stderr


STATUS = "from survey_app.cli import main\nmain(['translations', 'status'])\n"


def test_translations_status_says_whether_zawgyi_is_converted():
    without = _python(STATUS)
    assert without.returncode == 0, without.stderr
    assert without.stdout.splitlines()[-1] == (
        "zawgyi: detected only, conversion unavailable (module icu not installed): "
        f"kept as typed, flagged {ZAWGYI_DETECTED}")
    with_icu = _python(STATUS, block_icu=False)
    assert with_icu.returncode == 0, with_icu.stderr
    assert with_icu.stdout.splitlines()[-1] == (
        f"zawgyi: detected and converted to Unicode (ICU), flagged {ZAWGYI_CONVERTED}")
