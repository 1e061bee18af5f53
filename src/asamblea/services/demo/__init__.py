"""The demo federation: `federation` seeds the assemblies, people, votes, proposals and delegates
and calls the area seeds (`budget`, `planning`). Fictional people, real Peruvian places."""
