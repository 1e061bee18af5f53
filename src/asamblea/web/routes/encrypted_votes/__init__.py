"""Encrypted votes' API: the key ceremony, encrypted ballots and audits, decryption shares."""
