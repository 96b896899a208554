"""Injected failures: the rules and their matching (``rules``), checking a
rule before it is stored (``checks``), and applying rules to Flask requests
(``apply``)."""
