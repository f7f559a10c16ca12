"""Renderers: each output format is built from one result object."""
