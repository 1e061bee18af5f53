"""Votes use cases: drafting and opening votes with their frozen roll (`votes`), casting with
group commit (`casting`), closing, counting and publishing with the settle steps that follow in the
same transaction (`closing`), and who a published election elected (`elected`)."""
