"""Registering cases received on paper, by phone, walk-in or referral."""
