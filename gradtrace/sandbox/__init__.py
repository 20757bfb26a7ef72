"""Running untrusted programs: static policy, allow-listed API, hardened worker processes."""
