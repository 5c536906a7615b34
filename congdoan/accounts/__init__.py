"""User accounts: the user model, API tokens, two-factor policy per role."""
