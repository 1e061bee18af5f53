"""Services tests: load the services in an order that avoids main's import circle
(deliberation → votes → delegation → deliberation). A test module run alone that imports
`asamblea.services.deliberation` first would otherwise fail to import; see the #11 report."""

import asamblea.services.votes.votes  # noqa: F401 - imported for its side effect (load order)
