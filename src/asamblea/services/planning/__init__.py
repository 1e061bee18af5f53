"""Democratic planning use cases: rounds and their targets (`rounds`), targets adopted by a
members' vote (`adoption`), the checks a round runs on what it is given (`checks`), the plan and
its comparison (`result`) and the tables shown beside it (`tables`)."""
