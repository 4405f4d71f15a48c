"""The focal point's workspace, read in a few statements whatever it holds: my agency's open calls
(calls.py), my nominations with their status, history, waitlist place and vetting (mine.py), and the
women's share of my nominations for a module (meter.py)."""
