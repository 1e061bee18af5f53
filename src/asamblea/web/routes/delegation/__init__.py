"""Delegation pages: delegates, mandates, roll calls and recall petitions."""
