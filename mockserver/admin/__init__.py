"""The admin API under /__mock: drive and inspect the mock."""
