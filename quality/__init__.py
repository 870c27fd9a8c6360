"""Asset checks. Blocking checks guard the merge to main and the registration of a model."""
