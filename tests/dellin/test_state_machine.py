"""A Hypothesis state machine drives create, update, delete, add and remove
over HTTP for two users, against a plain-Python model, and compares the two
after every step."""
from functools import lru_cache

from flask.testing import FlaskClient
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mockserver import create_app
from mockserver.app import runtime_of
from tests.contract import ContractClient

from .helpers import OTHER_SESSION, SESSION, DellinCalls, codes_of, empty_world

USERS = {"info": SESSION, "other": OTHER_SESSION}
TYPES = ["order.state.pickup", "order.state.completed", "order.change.pickup_info"]
ROLES = ["customer", "sender", "receiver", "payer"]
NUMBERS = [f"82167022285{n:02d}" for n in range(8)]

users = st.sampled_from(sorted(USERS))
ids = st.integers(1, 14)
urls = st.sampled_from(["https://a.example/hook", "https://b.example/other"])
event_types = st.none() | st.lists(st.sampled_from(TYPES), min_size=1, unique=True)
roles = st.lists(st.sampled_from(ROLES), min_size=1, unique=True)
states = st.sampled_from([None, "enabled", "disabled"])
numbers = st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=6, unique=True)


@lru_cache(maxsize=1)
def shared_app():
    app = create_app(scenario=empty_world())
    app.test_client_class = ContractClient
    return app


class SubscriptionMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        app = shared_app()
        runtime_of(app).reset()
        client = app.test_client()  # schema-checks every response
        plain = FlaskClient(app, app.response_class)  # for the comparisons: faster, same answers
        self.calls = {user: DellinCalls(client, session) for user, session in USERS.items()}
        self.plain = {user: DellinCalls(plain, session) for user, session in USERS.items()}
        self.model: dict[int, dict] = {}  # id -> {"owner", "public": {...}, "orders": [...]}
        self.next_id = 1

    # ------------------------------------------------------------ helpers
    def owned(self, user, sub_id) -> bool:
        return sub_id in self.model and self.model[sub_id]["owner"] == user

    def expect(self, response, code):
        if code is None:
            assert response.status_code == 200, response.json
        else:
            assert codes_of(response) == [code], response.json

    @staticmethod
    def public(sub_id, url, types, order_roles, state):
        out = {"id": sub_id, "url": url}
        if types is not None:
            out["eventTypes"] = types
        out.update(orderRoles=order_roles, state=state)
        return out

    @staticmethod
    def settings_body(url, types, order_roles, state):
        body = {"url": url, "orderRoles": order_roles}
        if types is not None:
            body["eventTypes"] = types
        if state is not None:
            body["state"] = state
        return body

    # ------------------------------------------------------------ rules
    @rule(user=users, url=urls, types=event_types, order_roles=roles, state=states)
    def create(self, user, url, types, order_roles, state):
        response = self.calls[user].post("/v1/webhooks/update", **self.settings_body(url, types, order_roles, state))
        if sum(1 for s in self.model.values() if s["owner"] == user) >= 10:
            return self.expect(response, 110010)
        self.expect(response, None)
        public = self.public(self.next_id, url, types, order_roles, state or "enabled")
        assert response.json["data"] == public
        self.model[self.next_id] = {"owner": user, "public": public, "orders": []}
        self.next_id += 1

    @rule(user=users, sub_id=ids, as_text=st.booleans(), url=urls, types=event_types, order_roles=roles, state=states)
    def update(self, user, sub_id, as_text, url, types, order_roles, state):
        body = self.settings_body(url, types, order_roles, state)
        response = self.calls[user].post("/v1/webhooks/update", id=str(sub_id) if as_text else sub_id, **body)
        if not self.owned(user, sub_id):
            return self.expect(response, 110007)
        self.expect(response, None)
        entry = self.model[sub_id]
        entry["public"] = self.public(sub_id, url, types, order_roles, state or entry["public"]["state"])
        assert response.json["data"] == entry["public"]

    @rule(user=users, chosen=st.lists(ids, min_size=1, max_size=3, unique=True))
    def delete(self, user, chosen):
        response = self.calls[user].post("/v1/webhooks/delete", ids=chosen)
        if not all(self.owned(user, i) for i in chosen):
            return self.expect(response, 110007)
        self.expect(response, None)
        for sub_id in chosen:
            del self.model[sub_id]

    @rule(user=users, sub_id=ids, chosen=numbers)
    def add(self, user, sub_id, chosen):
        response = self.calls[user].post(f"/v1/webhooks/{sub_id}/orders/add", orderNumbers=chosen)
        if len(chosen) > 5:  # the schema's limit is checked before the subscription
            return self.expect(response, 110006)
        if not self.owned(user, sub_id):
            return self.expect(response, 110007)
        self.expect(response, None)
        orders = self.model[sub_id]["orders"]
        orders.extend(n for n in chosen if n not in orders)

    @rule(user=users, sub_id=ids, chosen=numbers)
    def remove(self, user, sub_id, chosen):
        response = self.calls[user].post(f"/v1/webhooks/{sub_id}/orders/delete", orderNumbers=chosen)
        if len(chosen) > 5:
            return self.expect(response, 110006)
        if not self.owned(user, sub_id):
            return self.expect(response, 110007)
        self.expect(response, None)
        self.model[sub_id]["orders"] = [n for n in self.model[sub_id]["orders"] if n not in chosen]

    # ------------------------------------------------------------ the comparison after every step
    @invariant()
    def server_matches_model(self):
        # the subscriptions over HTTP, the orders from the state dump (cheaper than paging every one)
        for user, calls in self.plain.items():
            mine = sorted((i, s) for i, s in self.model.items() if s["owner"] == user)
            assert calls.subscriptions() == [s["public"] for _, s in mine]
        dumped = runtime_of(shared_app()).dump_state()["dellin"]
        orders = {s["id"]: s["orders"] for u in dumped["users"] for s in u["subscriptions"]}
        assert orders == {i: s["orders"] for i, s in self.model.items()}

    def teardown(self):
        # and at the end of each run, every subscription's orders over HTTP too
        for sub_id, entry in self.model.items():
            assert self.calls[entry["owner"]].all_orders(sub_id, per_page=3) == entry["orders"]


SubscriptionMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=20, deadline=None)
test_subscription_machine = SubscriptionMachine.TestCase
