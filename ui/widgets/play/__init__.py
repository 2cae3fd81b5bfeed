"""Widgets of the Play tab: the pacing of a worker's steps and the table of episodes."""
