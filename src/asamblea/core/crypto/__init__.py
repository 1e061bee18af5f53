"""Encrypted votes: ristretto255, exponential ElGamal, zero-knowledge proofs, threshold keys.

Pure (no database, no network, no clock); every group and scalar operation is a libsodium call
(`group`). The protocol, byte by byte, is in docs/encrypted-votes.md. Modules:

- `group` — points and scalars of ristretto255 as 32-byte encodings;
- `transcript` — Fiat–Shamir challenges over length-framed, domain-separated values;
- `elgamal` — exponential ElGamal and the discrete logarithm of small counts;
- `proofs` — disjunctive Chaum–Pedersen (range), Chaum–Pedersen (equal logs), Schnorr;
- `threshold` — dealerless t-of-n keys (joint Feldman VSS) and Lagrange combination;
- `ballot` — encrypted ballots, their proofs, trackers and Benaloh audits;
- `tally` — homomorphic tally, decryption shares and the result they determine.
"""
