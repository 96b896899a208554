"""Dellin order-event notifications: building them, POSTing them to the
subscribers' URLs, the retry schedule, the delivery log and the real-mode
scheduler. Importing this package is cheap; ``engine`` pulls in ``requests``.
"""
