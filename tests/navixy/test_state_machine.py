"""A Hypothesis state machine drives delivery/create, delivery/read and the
admin reset over HTTP, for users of every kind (master or sub-user, with or
without rights, demo or not, with or without the tariff), in every input
form, against a plain-Python model of the documented rules."""
from functools import lru_cache

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from mockserver import create_app
from mockserver.app import runtime_of
from tests.contract import ContractClient

from .test_routes import CREATE, FORMS, READ, call

HASHES = ["a1" * 16, "b2" * 16, "c3" * 16]
UNKNOWN = "d4" * 16
MALFORMED = "not-a-hash"
CREATE_RIGHTS = {"admin", "delivery_session_create"}
KEY = st.sampled_from([None, "0123456789abcdef" * 2])

profiles = st.fixed_dictionaries({
    "master": st.booleans(),
    "rights": st.lists(st.sampled_from(["admin", "delivery_session_create", "tracking_view"]), unique=True),
    "demo": st.booleans(),
    "tariff_features": st.sampled_from([["delivery"], []]),
    "delivery_session": KEY,
})
users = st.sampled_from(HASHES)
forms = st.sampled_from(FORMS)


@lru_cache(maxsize=1)
def shared_app():
    app = create_app()
    app.test_client_class = ContractClient  # every response is held against its schema
    return app


def expected_create_error(user: dict) -> int | None:
    """The documented order: rights, then tariff, then demo mode."""
    if not (user["master"] or CREATE_RIGHTS.intersection(user["rights"])):
        return 13
    if "delivery" not in user["tariff_features"]:
        return 236
    if user["demo"] and user["delivery_session"] is not None:
        return 101
    return None


class DeliverySessionMachine(RuleBasedStateMachine):
    @initialize(seeded=st.lists(profiles, min_size=len(HASHES), max_size=len(HASHES)))
    def seed(self, seeded):
        app = shared_app()
        self.runtime = runtime_of(app)
        self.seed_users = {hash_: dict(profile, hash=hash_) for hash_, profile in zip(HASHES, seeded)}
        self.runtime.load_scenario({"name": "navixy-machine", "state": {"navixy": {"users": list(self.seed_users.values())}}})
        self.client = app.test_client()
        self.model = {hash_: dict(user) for hash_, user in self.seed_users.items()}
        self.keys_seen: set[str] = {u["delivery_session"] for u in self.model.values() if u["delivery_session"]}

    def expect_error(self, response, code):
        assert response.status_code >= 400, response.json
        assert response.json["success"] is False and response.json["status"]["code"] == code, response.json

    @rule(hash_=users, form=forms)
    def create(self, hash_, form):
        response = call(self.client, CREATE, hash_, form)
        user = self.model[hash_]
        code = expected_create_error(user)
        if code is not None:
            self.expect_error(response, code)
            return
        assert response.status_code == 200, response.json
        key = response.json["value"]
        assert key not in self.keys_seen, "a new delivery session key must be fresh"
        self.keys_seen.add(key)
        user["delivery_session"] = key

    @rule(hash_=users, form=forms)
    def read(self, hash_, form):
        response = call(self.client, READ, hash_, form)
        key = self.model[hash_]["delivery_session"]
        if key is None:
            self.expect_error(response, 201)
        else:
            assert response.status_code == 200 and response.json == {"success": True, "value": key}, response.json

    @rule(path=st.sampled_from([CREATE, READ]), form=forms)
    def unknown_user(self, path, form):
        self.expect_error(call(self.client, path, UNKNOWN, form), 4)

    @rule(path=st.sampled_from([CREATE, READ]), form=st.sampled_from(["json", "query"]))
    def malformed_hash(self, path, form):
        self.expect_error(call(self.client, path, MALFORMED, form), 3)

    @rule()
    def reset(self):
        assert self.client.post("/__mock/reset").status_code == 200
        self.model = {hash_: dict(user) for hash_, user in self.seed_users.items()}

    @invariant()
    def state_matches_the_model(self):
        if not hasattr(self, "model"):
            return
        dumped = self.client.get("/__mock/state").json["navixy"]["users"]
        assert {u["hash"]: u["delivery_session"] for u in dumped} == {
            h: u["delivery_session"] for h, u in self.model.items()
        }


DeliverySessionMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestDeliverySessions = DeliverySessionMachine.TestCase
