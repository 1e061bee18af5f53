"""Encrypted votes: the trustees' key ceremony, casting and auditing encrypted ballots, the
homomorphic tally decrypted by a threshold of trustees (docs/encrypted-votes.md, §9)."""
