"""Checks: each assertion kind is a visitor over the explored Network."""
