"""Reinforcement-learning agents (catalog section F): each trains in its own loop."""
