"""The Dellin order-event notification API: state model and routes."""
