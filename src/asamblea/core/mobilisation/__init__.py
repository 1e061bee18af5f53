"""Mobilisation: struggles, joint actions and conditional pledges, as pure rules.

- `pledges`: conditional pledges ("I will go if N of my assembly, M assemblies of my region or
  T people across the federation go too") with nested thresholds, one campaign at a time;
  the rules the services call inside the transaction that records or withdraws a pledge.
- `evaluation`: the same thresholds for every campaign of a federation at once, vectorised
  over per-assembly counts with NumPy (re-evaluating a million pledges takes milliseconds).
- `struggles`: a struggle's states, sectors and transitions.
- `actions`: kinds of action, their states, tasks and roles, who may see the exact place.
- `platform`: the unified platform: merges with their history, support counted once per
  assembly and per member.
"""
