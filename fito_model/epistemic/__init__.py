"""epistemic"""
