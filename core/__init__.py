"""Trivselssnak's domain logic. Nothing in this package imports streamlit."""
