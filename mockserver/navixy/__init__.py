"""The Navixy delivery-session API: state model and routes."""
