"""A tiny Navixy client: delivery session keys for a user's API hash."""
import requests

BASE_URL = "https://api.eu.navixy.com/v2"


class NavixyError(Exception):
    def __init__(self, code, description):
        super().__init__(f"Navixy error {code}: {description}")
        self.code = code


def _call(action, api_hash, base_url=BASE_URL):
    answer = requests.post(f"{base_url}/user/session/delivery/{action}", json={"hash": api_hash}, timeout=10)
    body = answer.json()
    if not body.get("success"):
        raise NavixyError(body["status"]["code"], body["status"]["description"])
    return body["value"]


def create_delivery_session(api_hash, base_url=BASE_URL):
    return _call("create", api_hash, base_url)


def current_delivery_session(api_hash, base_url=BASE_URL):
    return _call("read", api_hash, base_url)
