"""Mobilisation use cases: struggles and adhesions, actions and tasks, conditional pledges.

- `access`: who takes part in an action and how the action sees a person;
- `struggles`: register, dated updates, solidarity, joining by a members' vote, the overview;
- `actions`: convene, postpone, cancel, live updates, checklist, task sign-ups, report;
- `pledges`: pledge, withdraw, counts; the trigger fires once, in the crossing transaction.
- `platform`: the unified platform of demands: raising a struggle's demand, an upper assembly's
  points with who stands behind them, merging duplicates by a members' vote (history kept).

Rules live in `asamblea.core.mobilisation`; docs/mobilisation.md has the threat model and the
audit events the notices read.
"""
