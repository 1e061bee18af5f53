"""Federation pages and API: accounts, assemblies, membership, vouching, rules."""
