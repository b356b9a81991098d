"""What every capability shares: text folding, Viet Nam dates and report periods, the database,
settings, privacy (masking) and rate limits. Imports nothing from the capability packages."""
