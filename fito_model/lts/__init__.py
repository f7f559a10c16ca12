"""Compiled processes: LTS per leaf, Network at the top, exports."""
