"""The fault suite: each test puts one fault an unattended year brings into a real deployment.

The ``deployment`` fixture (tests/fixtures/deployment.py) gives each test its own sample
mirror, content tree, state and releases; the tests drive the real ``fazhi`` commands.
"""
