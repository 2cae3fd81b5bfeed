"""What every reinforcement-learning entry shares once trained: playing its agent greedily."""
