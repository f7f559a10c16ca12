"""fito: a model checker for the atomicity claims of checkpoint, recovery and rollout protocols."""
__version__ = "0.1.0"
