"""Partner recommendations, partner requests, expressions of interest (matchmaking issue)."""
