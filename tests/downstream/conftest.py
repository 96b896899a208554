# example_project/ is a separate project with its own test suite; it is run
# by test_installed_package.py in a fresh virtualenv, not collected here
collect_ignore = ["example_project"]
