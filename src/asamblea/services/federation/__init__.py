"""Federation use cases: accounts (registration, login, sessions, API tokens), assemblies
(founding, joining, vouching, suspension, facilitators) and each assembly's rules (changed only by
a members' vote). Import the modules: `accounts`, `assemblies`, `rules`."""
