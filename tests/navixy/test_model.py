"""The Navixy model on its own: no HTTP."""
import pytest

from mockserver.navixy.errors import NavixyError
from mockserver.navixy.model import NavixyState

MASTER = "22eac1c27af4be7b9d04da2ce1af111b"


def state(**user):
    keys = iter(f"{n:032x}" for n in range(1, 100))
    return NavixyState({"users": [{"hash": MASTER, **user}]}, new_key=lambda: next(keys))


def code_of(call):
    with pytest.raises(NavixyError) as caught:
        call()
    return caught.value.code


def test_create_returns_a_fresh_key_that_replaces_the_old_one():
    s = state()
    first = s.create_delivery_session(MASTER)
    second = s.create_delivery_session(MASTER)
    assert first != second
    assert s.read_delivery_session(MASTER) == second


def test_checks_run_in_the_documented_order():
    # a demo sub-user without rights and without the tariff: rights are checked first
    s = state(master=False, rights=[], demo=True, tariff_features=[], delivery_session="a" * 32)
    assert code_of(lambda: s.create_delivery_session(MASTER)) == 13
    s.users[MASTER].rights = ["admin"]
    assert code_of(lambda: s.create_delivery_session(MASTER)) == 236
    s.users[MASTER].tariff_features = ["delivery"]
    assert code_of(lambda: s.create_delivery_session(MASTER)) == 101
    s.users[MASTER].delivery_session = None
    assert s.create_delivery_session(MASTER)


@pytest.mark.parametrize("rights", [["admin"], ["delivery_session_create"], ["admin", "other"]])
def test_sub_user_rights_that_allow_create(rights):
    assert state(master=False, rights=rights).create_delivery_session(MASTER)


def test_master_needs_no_rights():
    assert state(master=True, rights=[]).create_delivery_session(MASTER)


@pytest.mark.parametrize("bad", ["", "x" * 32, MASTER.upper(), MASTER[:-1], 123, None])
def test_malformed_hash_is_3(bad):
    assert code_of(lambda: state().read_delivery_session(bad)) == 3


def test_unknown_hash_is_4_and_no_session_is_201():
    s = state()
    assert code_of(lambda: s.read_delivery_session("f" * 32)) == 4
    assert code_of(lambda: s.read_delivery_session(MASTER)) == 201


def test_failed_create_changes_nothing():
    s = state(tariff_features=[])
    before = s.to_dict()
    code_of(lambda: s.create_delivery_session(MASTER))
    assert s.to_dict() == before


def test_round_trip_through_dict():
    s = state(master=False, rights=["admin"], demo=True, delivery_session="b" * 32)
    assert NavixyState(s.to_dict()).to_dict() == s.to_dict()


def test_every_documented_code_has_its_http_status():
    expected = {1: 500, 2: 403, 3: 400, 4: 400, 5: 400, 6: 500, 7: 400, 8: 503, 9: 412, 11: 403, 12: 400, 13: 403,
                14: 503, 15: 429, 101: 403, 111: 400, 112: 400, 201: 400, 204: 404, 236: 402, 271: 413, 277: 409}
    assert {code: NavixyError(code).http_status for code in expected} == expected
